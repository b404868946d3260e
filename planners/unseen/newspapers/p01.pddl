(define (problem newspapers-s1-0)
  (:domain newspapers)
  (:objects
    loc0 loc1 loc2 - loc
    paper0 - paper)
  (:init
    (at loc0)
    (ishomebase loc0)
    (wantspaper loc1)
    (unpacked paper0))
  (:goal (and
      (satisfied loc1))))
