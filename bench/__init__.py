"""aksnet's benchmarks (not part of the package; BENCHMARKS.md has the method and the figures).

    run.py          the one entry point: python bench/run.py [--quick]; table + results.json
    common.py       Figure, medians, subprocess timing, peak memory, machine facts
    coldstart.py    1. whole-process start of validate / plan beside the Python floors
    stackfloor.py   the least a Typer + pydantic + YAML command costs (a cold-start reference)
    fleet.py        2. deterministic generated intents; validate + plan and render rates, growth
    ipam_bench.py   3. subnet allocation at scale, directly and through the planner's sizing
    apply_bench.py  4. apply against tests/fakearm beside the plan's critical path
    memory.py       5. peak RSS of validate and of a 1,000-intent fleet render
"""
