(define (problem spanner-s1-2)
  (:domain spanner)
  (:objects
    bob - man
    spanner1 spanner2 - spanner
    nut1 nut2 - nut
    shed location1 location2 gate - location)
  (:init
    (at bob shed)
    (link shed location1)
    (link location1 location2)
    (link location2 gate)
    (at spanner1 location1)
    (useable spanner1)
    (at spanner2 location1)
    (useable spanner2)
    (at nut1 gate)
    (loose nut1)
    (at nut2 gate)
    (loose nut2))
  (:goal (and
      (tightened nut1)
      (tightened nut2))))
