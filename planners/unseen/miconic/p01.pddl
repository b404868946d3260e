(define (problem miconic-s1-0)
  (:domain miconic)
  (:objects
    p0 - passenger
    f0 f1 - floor)
  (:init
    (above f0 f1)
    (origin p0 f0)
    (destin p0 f1)
    (lift-at f1))
  (:goal (and
      (served p0))))
