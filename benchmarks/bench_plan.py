"""How faithful is the offline planner to its briefs? Every brief in benchmarks/briefs/ is planned
with `agents.plan_brief` at the duration its facts name, and each expected fact (cast, speakers,
scene times and weather, motion events, props; see agents/fidelity.py) is checked.

One line per brief: name, passed/total and the reasons of the failing facts. A brief the planner
cannot plan counts all its facts as failed. The last line is exactly
`plan_fidelity: facts=<passed>/<total> ratio=<r>`. Exit code 0 whatever the ratio, unless
`--min-ratio` is given (then 1 below it); 2 when a facts file does not load.

The checkout's root is appended to sys.path, not put first, so `PYTHONPATH=<another checkout>`
measures that checkout's planner against these briefs (the before/after numbers of issue 11).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[1]))

import agents
from agents import plan_brief
from agents.fidelity import Expectation, Verdict, check, load_facts
from film import BadInput

BRIEFS = Path(__file__).resolve().parent / "briefs"
WEAK_BRIEF = 0.8
"""The issue's floor for a single brief."""


def verdicts(brief: Path, expected: Expectation) -> tuple[list[Verdict], str]:
    """The facts of one brief checked against its plan, or all failed with the planner's error."""
    try:
        plan = plan_brief(brief.read_text(encoding="utf-8"), duration_s=expected.duration_s)
    except Exception as exc:  # a crash on one brief is that brief's failure, not the benchmark's
        why = f"planner failed: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        return [Verdict(f, False, why) for f in expected.facts], why
    return check(plan, expected.facts), ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="only these briefs (file stems)")
    parser.add_argument("--briefs", type=Path, default=BRIEFS, help="folder of <name>.md + <name>.toml")
    parser.add_argument("--min-ratio", type=float, default=None, help="exit 1 below this ratio")
    args = parser.parse_args(argv)
    briefs = sorted(
        p for p in args.briefs.glob("*.md") if p.stem != "README" and (not args.names or p.stem in args.names)
    )
    print(f"planner: {Path(agents.__file__).resolve().parents[1]}")
    passed = total = broken = 0
    weak: list[str] = []
    for brief in briefs:
        facts = brief.with_suffix(".toml")
        if not facts.exists():
            print(f"{brief.stem}: no facts ({facts.name} missing)")
            continue
        try:
            expected = load_facts(facts)
        except BadInput as exc:
            print(f"{brief.stem}: bad facts file: {exc}")
            broken += 1
            continue
        results, error = verdicts(brief, expected)
        ok = sum(v.passed for v in results)
        passed, total = passed + ok, total + len(results)
        if results and ok / len(results) < WEAK_BRIEF:
            weak.append(brief.stem)
        failing = [error] if error else [v.reason for v in results if not v.passed]
        print(f"{brief.stem}: {ok}/{len(results)}" + (f"  FAIL {'; '.join(failing)}" if failing else ""))
    ratio = passed / total if total else 0.0
    print(
        f"briefs: {len(briefs)}, under {WEAK_BRIEF:g}: {len(weak)}"
        + (f" ({', '.join(weak)})" if weak else "")
    )
    print(f"plan_fidelity: facts={passed}/{total} ratio={ratio:.3f}")
    if broken:
        return 2
    return 1 if args.min_ratio is not None and ratio < args.min_ratio else 0


if __name__ == "__main__":
    sys.exit(main())
