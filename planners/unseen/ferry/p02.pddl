(define (problem ferry-s1-1)
  (:domain ferry)
  (:objects
    c0 c1 l0 l1 l2 - obj
    ferry - boat)
  (:init
    (car c0)
    (car c1)
    (location l0)
    (location l1)
    (location l2)
    (at c0 l2)
    (at c1 l0)
    (at-ferry l1)
    (empty-ferry ferry))
  (:goal (and
      (at c0 l0)
      (at c1 l1))))
