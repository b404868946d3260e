(define (problem tireworld-s1-1)
  (:domain tireworld)
  (:objects
    n0 n1 n2 - location)
  (:init
    (road n0 n1)
    (road n1 n0)
    (road n1 n2)
    (road n2 n1)
    (spare-in n1)
    (vehicle-at n0)
    (not-flattire))
  (:goal (and
      (vehicle-at n2))))
