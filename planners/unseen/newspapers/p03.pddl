(define (problem newspapers-s1-2)
  (:domain newspapers)
  (:objects
    loc0 loc1 loc2 loc3 - loc
    paper0 - paper)
  (:init
    (at loc0)
    (ishomebase loc0)
    (wantspaper loc3)
    (unpacked paper0))
  (:goal (and
      (satisfied loc3))))
