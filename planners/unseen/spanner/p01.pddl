(define (problem spanner-s1-0)
  (:domain spanner)
  (:objects
    bob - man
    spanner1 - spanner
    nut1 - nut
    shed location1 gate - location)
  (:init
    (at bob shed)
    (link shed location1)
    (link location1 gate)
    (at spanner1 location1)
    (useable spanner1)
    (at nut1 gate)
    (loose nut1))
  (:goal (and
      (tightened nut1))))
