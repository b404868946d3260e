"""What the rule readers alone decide on a public logic set's tuning part (no model).

    python -m benchmarks.logic_readers [--set FOLIO] [--path DIR] [-v]

Each item's sentences go through ``logic.translation.read_sentences``; where the conclusion is
read, Z3 answers on the read premises (with the name postulates the full pipeline adds). An
unread conclusion counts as wrong: it is what the model has to translate. This is a tuning
tool, so it reads only the tuning part (``logic.suites.split_part``), never the reporting part.
"""

from __future__ import annotations

import argparse

from logic.datasets import default_path, load_public
from logic.postulates import used_postulates, with_postulated
from logic.problem import _LEAD
from logic.suites import split_part
from logic.translation import _decl_text, read_sentences
from logic.weaken import premise_sentences
from nesy.reasoner import Reasoner


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", default="FOLIO", choices=["FOLIO", "ProofWriter", "ProntoQA"])
    ap.add_argument("--path", default=None, help="the dataset's folder (default: ../shared/data/logic/<set>)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every sentence and its reading")
    args = ap.parse_args(argv)
    items = split_part(args.set, load_public(args.path or default_path(args.set)), "tune")
    reasoner = Reasoner(backends=["logic"])
    sentences = read_n = whole = right = definite = 0
    for it in items:
        statement = _LEAD.sub("", it.question).strip()
        premises = premise_sentences(it.context)
        read, preds, consts = read_sentences([*premises, statement], {}, [], premises)
        sentences += len(premises) + 1
        read_n += sum(t in read for t in [*premises, statement])
        whole += all(t in read for t in [*premises, statement])
        answer, presumed = "-", []
        if statement in read:
            said = [f"premise: {read[s]}  # {s}" for s in premises if s in read] \
                + [f"conclusion: {read[statement]}  # {statement}"]
            presumed = used_postulates(preds, "\n".join(said))
            said[-1:-1] = [f"premise: {p}" for p, _ in presumed]  # as ``_ours_fol``
            program = _decl_text(preds, with_postulated(consts, presumed)) + "\n" + "\n".join(said) + "\n"
            solved, _ = reasoner.solve_formal("logic", program, timeout=10)
            answer = str(solved.answer)
        gold = {"uncertain": "unknown"}.get(it.label.lower(), it.label.lower())
        right += answer.lower() == gold
        definite += answer in ("True", "False")
        if args.verbose:
            print(f"== {it.id} gold {it.label} readers {answer}")
            for t in [*premises, statement]:
                print(f"  {'OK ' + read[t] + '   <- ' if t in read else '-- '}{t}")
            for f, why in presumed if statement in read else []:
                print(f"  ++ {f}   <- {why}")
    print(f"{args.set} tuning part: {len(items)} items, {right} right ({right / len(items):.2f}), "
          f"{definite} definite answers; sentences read {read_n} of {sentences}; items read whole {whole}")


if __name__ == "__main__":
    main()
