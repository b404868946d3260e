(define (problem newspapers-s1-1)
  (:domain newspapers)
  (:objects
    loc0 loc1 loc2 - loc
    paper0 paper1 - paper)
  (:init
    (at loc0)
    (ishomebase loc0)
    (wantspaper loc1)
    (wantspaper loc2)
    (unpacked paper0)
    (unpacked paper1))
  (:goal (and
      (satisfied loc1)
      (satisfied loc2))))
