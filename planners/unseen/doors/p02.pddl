(define (problem doors-s1-1)
  (:domain doors)
  (:objects
    room0 room1 - room
    key0 - key
    loc-0-0 loc-0-1 loc-1-0 - location)
  (:init
    (at loc-0-0)
    (unlocked room0)
    (keyat key0 loc-0-0)
    (keyforroom key0 room1)
    (locinroom loc-0-0 room0)
    (locinroom loc-0-1 room0)
    (locinroom loc-1-0 room1))
  (:goal (and
      (at loc-1-0))))
