"""Small formal problems for the real backends (each solves in well under a second)."""

BLOCKS_PROBLEM = """(define (problem stack-abc) (:domain blocksworld)
  (:objects a b c - block)
  (:init (ontable a) (ontable b) (on c a) (clear b) (clear c) (handempty))
  (:goal (and (on a b) (on b c))))"""

# The ':objects' line names 'd', which the goal uses but the init never mentions: fine; this one is broken:
MALFORMED_PROBLEM = """(define (problem broken) (:domain blocksworld)
  (:objects a b - block)
  (:init (ontable a) (ontable b) (clear a) (clear b) (handempty))
  (:goal (and (on a b) (levitating a))))"""

LOGIC_PROGRAM = """const Tom
pred Cat/1
pred Animal/1
premise p1: forall x. Cat(x) -> Animal(x)
premise p2: Cat(Tom)
conclusion: Animal(Tom)"""

LOGIC_BAD = """const Tom
pred Cat/1
premise p1: Cat(Tom) and
conclusion: Cat(Tom)"""

SMTLIB_UNSAT = """(declare-const x Int)
(assert (! (> x 5) :named big))
(assert (! (< x 3) :named small))
(assert (! (>= x 0) :named nonneg))
(check-sat)"""

KG_QUERY = "militaryalliance(netherlands, f)"


def tower_reversal(n: int) -> str:
    """Blocksworld: reverse a tower of n blocks (big enough that no planner answers in 0.1 s)."""
    names = [f"b{i}" for i in range(n)]
    init = [f"(on {a} {b})" for a, b in zip(names, names[1:])] + [f"(ontable {names[-1]})", f"(clear {names[0]})", "(handempty)"]
    goal = [f"(on {b} {a})" for a, b in zip(names, names[1:])]
    return (
        f"(define (problem reverse-{n}) (:domain blocksworld)\n  (:objects {' '.join(names)} - block)\n"
        f"  (:init {' '.join(init)})\n  (:goal (and {' '.join(goal)})))"
    )


def pigeonhole(holes: int) -> str:
    """SMT-LIB2: holes+1 pigeons in ``holes`` holes, as clauses. Unsatisfiable, and no CDCL solver
    refutes it quickly (resolution proofs are exponential): a request that keeps Z3 busy."""
    pigeons = range(holes + 1)
    var = [[f"p{i}_{j}" for j in range(holes)] for i in pigeons]
    lines = [f"(declare-const {v} Bool)" for row in var for v in row]
    lines += [f"(assert (or {' '.join(row)}))" for row in var]
    lines += [
        f"(assert (or (not {var[i][j]}) (not {var[k][j]})))"
        for j in range(holes) for i in pigeons for k in pigeons if i < k
    ]
    return "\n".join([*lines, "(check-sat)"])
