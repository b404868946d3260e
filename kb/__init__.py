"""Knowledge graphs: EFO-1 queries answered by fuzzy link prediction.

- ``store``: KGs (entities, relations, train/valid/test triples), TSV and bundled loaders
- ``train``: ComplEx + N3 + reciprocal relations, 1-vs-all (kbc); cached checkpoints
- ``truth``: observed / calibrated (QTO/FIT) / sigmoid (CQD) edge truth, dense or by rows
- ``engine``: product t-norm, probabilistic sum, 1−x, max over existentials; FIT enumeration
- ``query`` + ``query.lark``: the query language, lint, BetaE/FIT structure names
- ``grammar``: GBNF for constrained decoding over one KG's relations and entities
- ``sampler``: BetaE-style query sampling with easy and hard answers
- ``linking``, ``templates``, ``suites``: entity linking, NL questions, benchmark suites
- ``backend``: the ``kg`` backend of the nesy pipeline
- ``bench``: engine and scale micro-benchmarks, ``python -m kb.bench`` (the LLM pipeline on
  the ``kg-*`` suites is ``nesy bench --suite kg-nations``)
"""
