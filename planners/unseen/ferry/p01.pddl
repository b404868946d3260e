(define (problem ferry-s1-0)
  (:domain ferry)
  (:objects
    c0 c1 c2 l0 l1 - obj
    ferry - boat)
  (:init
    (car c0)
    (car c1)
    (car c2)
    (location l0)
    (location l1)
    (at c0 l1)
    (at c1 l1)
    (at c2 l0)
    (at-ferry l0)
    (empty-ferry ferry))
  (:goal (and
      (at c0 l0)
      (at c1 l0)
      (at c2 l1))))
