"""The film graph: plan → recaption (one branch per shot) → gather → render (one branch per spec)
→ critique (retakes loop back to render, bounded) → edit → assemble. Nodes return partial state;
side effects are keyed by spec_hash, so a node that LangGraph re-runs after an interruption finds
its take in the library instead of rendering again."""

from __future__ import annotations

from typing import Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send, interrupt
from pydantic import ValidationError

from agents.context import Event, StudioContext
from agents.continuity import PAINTERLESS, chains, continue_from, control_spec, driven_by, retake_chains
from agents.critic import retake_seed
from agents.editor import dramatisation, long_lines
from agents.planner import PlanRequest
from agents.state import InputState, ShotTask, SpecTask, StudioState
from film import BadInput, FilmPlan, Renderer, RenderSpec, Take, Timeline


def plan(state: StudioState, runtime: Runtime[StudioContext]) -> dict[str, Any]:
    """Brief → FilmPlan with the injected planner (the heuristic one by default)."""
    ctx = runtime.context
    ctx.report(Event("plan", done=0, total=1, message="planning"))
    request = PlanRequest(
        duration_s=state.get("duration_s", 60.0),
        aspect=state.get("aspect", "16:9"),
        style=state.get("style", "cinematic"),
        seed=state.get("seed", 0),
        fps=state.get("fps", 24),
        title_card=state.get("title_card", True),
    )
    film_plan = ctx.planner.plan(state.get("brief", ""), request)
    for note in film_plan.notes:  # the planner's warnings (an unsupported language...) go on the run
        ctx.ledger.warn(note)
    ctx.report(Event("plan", done=1, total=1, message=f"{len(film_plan.shots)} shots"))
    return {"plan": film_plan.model_dump(mode="json")}


def check_plan(state: StudioState, runtime: Runtime[StudioContext]) -> dict[str, Any]:
    """A plan given by the caller (a PLAN.json) is validated instead of planned."""
    try:
        film_plan = FilmPlan.model_validate(state["plan"])
    except ValidationError as exc:
        raise BadInput("plan", state["plan"].get("title", "?"), str(exc).splitlines()[0]) from exc
    runtime.context.report(Event("plan", done=1, total=1, message="given plan"))
    return {"plan": film_plan.model_dump(mode="json")}


def review(state: StudioState) -> dict[str, Any]:
    """The review gate: with `review` set, stop (a LangGraph interrupt) and show the plan; the
    answer is the plan to shoot, approved as it was or revised."""
    if not state.get("review"):
        return {}
    answer = interrupt({"plan": state["plan"]})
    film_plan = FilmPlan.model_validate(answer)  # a revised plan is checked like any other
    return {"plan": film_plan.model_dump(mode="json"), "review": False}


def recaption(task: ShotTask, runtime: Runtime[StudioContext]) -> dict[str, Any]:
    """One shot → one RenderSpec for the injected renderer's engine."""
    ctx = runtime.context
    film_plan = FilmPlan.model_validate(task["plan"])
    shot = next(s for s in film_plan.shots if s.id == task["shot_id"])
    spec = ctx.recaptioner.recaption(film_plan, shot, engine=ctx.renderer.engine)
    spec = spec.model_copy(update={"bug": ctx.bug})  # checked again when the spec is read back
    ctx.report(Event("recaption", shot.id, ctx.tick("recaption"), len(film_plan.shots)))
    return {"specs": [spec.model_dump(mode="json")]}


def gather(state: StudioState, runtime: Runtime[StudioContext]) -> dict[str, Any]:
    """Join point after recaptioning: clear the plan (every shoot passes here, so a revision, a
    plan file and a resumed run are checked as a new brief is), then announce the render stage."""
    ctx = runtime.context
    film_plan = FilmPlan.model_validate(state["plan"])
    for warning in long_lines(film_plan):
        ctx.ledger.warn(warning)
    cleared = ctx.clearance(film_plan) if ctx.clearance else None
    ctx.report(Event("render", done=0, total=len(state["plan"]["shots"]), message="rendering"))
    return {"dramatised": list(cleared.dramatised)} if cleared is not None else {}


def render(task: SpecTask, runtime: Runtime[StudioContext]) -> dict[str, Any]:
    """Render one spec, or a chain of continuous ones in order, each starting from the last
    frame of the take before (engines that paint from conditioning only); a retaken chain
    starts from the take it was handed (`after`)."""
    ctx = runtime.context
    previous = Take.model_validate(task["after"]) if task.get("after") else None
    pins = task.get("pins") or {}
    takes: list[Take] = []
    for spec in (RenderSpec.model_validate(s) for s in task.get("chain") or [task["spec"]]):
        pinned = ctx.takes.find(pins[spec.shot.id]) if spec.shot.id in pins else None
        if pinned is not None:  # the main take someone chose (or locked): kept as it is
            ctx.report(Event("render", spec.shot.id, spec.frames, spec.frames, cached=True, message="main"))
            previous = pinned.model_copy(update={"cached": True, "shot_id": spec.shot.id})
            takes.append(previous)
            continue
        if previous is not None:
            spec = continue_from(spec, previous)
        if ctx.control is not None and spec.engine not in PAINTERLESS:
            spec = driven_by(spec, _take_for(ctx, ctx.control, control_spec(spec), report=False))
        previous = _take_for(ctx, ctx.renderer, spec)
        takes.append(previous)
    return {"takes": [take.model_dump(mode="json") for take in takes]}


def _take_for(ctx: StudioContext, renderer: Renderer, spec: RenderSpec, *, report: bool = True) -> Take:
    """The library's take for this spec, or a fresh render into work_dir that the library keeps."""
    spec = renderer.resolve(spec)
    key = spec.spec_hash()
    shot_id = spec.shot.id
    found = ctx.takes.find(key)
    if found is not None:
        if report:
            ctx.report(Event("render", shot_id, spec.frames, spec.frames, cached=True, message="cached"))
        return found.model_copy(update={"cached": True, "shot_id": shot_id})
    ctx.work_dir.mkdir(parents=True, exist_ok=True)

    with ctx.render_slot() as slot:

        def progress(done: int, total: int) -> None:
            if report:
                ctx.report(Event("render", shot_id, done, total))
            if done >= total:  # drawn: the next shot may start while this encoder drains
                slot.release()

        made = renderer.render(spec, ctx.work_dir / f"{key}.mp4", progress)
    take = ctx.takes.keep(made.model_copy(update={"settings": spec.engine_settings()}))
    if report:
        ctx.report(Event("render", shot_id, spec.frames, spec.frames, message="done"))
    return take


def critique(state: StudioState, runtime: Runtime[StudioContext]) -> dict[str, Any]:
    """Let the injected critic look at the takes; broken ones go back to render with a new seed,
    at most `max_retakes` rounds, after which the film is cut with what there is (and a warning).
    A retaken shot inside a continuous chain starts from the current take before it, and the
    rest of its chain is rendered again from the new last frame, so continuity holds."""
    critic = runtime.context.critic
    if critic is None:
        return {"retakes": []}
    film_plan = FilmPlan.model_validate(state["plan"])
    takes = ordered(film_plan, [Take.model_validate(t) for t in state.get("takes", [])])
    problems = critic.review(film_plan, takes)
    round_no = state.get("retake_round", 0)
    if not problems or round_no >= critic.config.max_retakes:
        if problems:
            shown = "; ".join(f"{shot}: {', '.join(found)}" for shot, found in problems.items())
            runtime.context.ledger.warn(f"critic: kept flawed takes after {round_no} retakes ({shown})")
        return {"retakes": [], "reviews": problems}
    specs = [
        s.model_copy(update={"seed": retake_seed(s, round_no + 1)}) if s.shot.id in problems else s
        for s in ordered(film_plan, [RenderSpec.model_validate(s) for s in state.get("specs", [])])
    ]
    take_of = {take.shot_id: take for take in takes}
    redo = retake_chains(chains(specs), problems)
    tasks = []
    for i, (chain, before) in enumerate(redo):
        task = SpecTask(chain=[s.model_dump(mode="json") for s in chain], index=i, total=len(redo))
        task["spec"] = task["chain"][0]
        if before is not None and before in take_of:
            task["after"] = take_of[before].model_dump(mode="json")
        tasks.append(task)
    reseeded = [s.model_dump(mode="json") for s in specs if s.shot.id in problems]
    return {"specs": reseeded, "retakes": tasks, "retake_round": round_no + 1, "reviews": problems}


def edit(state: StudioState, runtime: Runtime[StudioContext]) -> dict[str, Any]:
    """Takes in plan order → Timeline."""
    ctx = runtime.context
    ctx.report(Event("edit", done=0, total=1))
    film_plan = FilmPlan.model_validate(state["plan"])
    takes = ordered(film_plan, [Take.model_validate(t) for t in state.get("takes", [])])
    timeline = dramatisation(ctx.editor.edit(film_plan, takes), state.get("dramatised") or [])
    ctx.report(Event("edit", done=1, total=1, message=f"{len(timeline.clips)} clips"))
    return {"timeline": timeline.model_dump(mode="json")}


def assemble(state: StudioState, runtime: Runtime[StudioContext]) -> dict[str, Any]:
    """Timeline → film file with the injected assembler."""
    ctx = runtime.context
    ctx.report(Event("assemble", done=0, total=1))
    film_plan = FilmPlan.model_validate(state["plan"])
    ctx.out_dir.mkdir(parents=True, exist_ok=True)
    path = ctx.assembler.assemble(Timeline.model_validate(state["timeline"]), film_plan, ctx.out_dir)
    ctx.report(Event("assemble", done=1, total=1, message=str(path)))
    return {"film_path": str(path), "usage": ctx.ledger.snapshot()}


def ordered(film_plan: FilmPlan, items: list[Any]) -> list[Any]:
    """Specs or takes in the plan's shot order, one per shot (the last one wins), others dropped."""
    position = {shot.id: i for i, shot in enumerate(film_plan.shots)}
    latest = {_shot_id(item): item for item in items if _shot_id(item) in position}
    return sorted(latest.values(), key=lambda item: position[_shot_id(item)])


def _shot_id(item: Any) -> str:
    return item.shot.id if isinstance(item, RenderSpec) else item.shot_id


def route_start(state: StudioState) -> Literal["plan", "check_plan"]:
    """A caller-given plan skips planning (`storyreel render PLAN.json`)."""
    return "check_plan" if state.get("plan") else "plan"


def send_shots(state: StudioState) -> list[Send]:
    """Fan out: one recaption branch per shot."""
    return [Send("recaption", ShotTask(plan=state["plan"], shot_id=s["id"])) for s in state["plan"]["shots"]]


def send_specs(state: StudioState) -> list[Send]:
    """Fan out: one render branch per spec, in shot order (not reducer order)."""
    film_plan = FilmPlan.model_validate(state["plan"])
    specs = ordered(film_plan, [RenderSpec.model_validate(s) for s in state.get("specs", [])])
    pins = {shot.id: shot.take for shot in film_plan.shots if shot.take}
    return [
        Send(
            "render",
            SpecTask(
                spec=group[0].model_dump(mode="json"),
                chain=[s.model_dump(mode="json") for s in group],
                index=i,
                total=len(specs),
                pins=pins,
            ),
        )
        for i, group in enumerate(chains(specs))
    ]


def route_retakes(state: StudioState) -> list[Send] | Literal["edit"]:
    """Back to render for the critic's retakes (one branch per retaken chain), else on to the edit."""
    retakes = state.get("retakes") or []
    if not retakes:
        return "edit"
    return [Send("render", task) for task in retakes]


def build_graph(checkpointer: Any = None) -> Any:
    """The compiled graph; pass a checkpointer (SqliteSaver, PostgresSaver) for durable runs."""
    builder = StateGraph(StudioState, context_schema=StudioContext, input_schema=InputState)
    builder.add_node("plan", plan)
    builder.add_node("check_plan", check_plan)
    # Branch nodes take their Send payload, not the state; langgraph's overloads cannot type that.
    builder.add_node("recaption", recaption, input_schema=ShotTask)  # type: ignore[call-overload]
    builder.add_node("gather", gather)
    builder.add_node("render", render, input_schema=SpecTask)  # type: ignore[call-overload]
    builder.add_node("critique", critique)
    builder.add_node("edit", edit)
    builder.add_node("assemble", assemble)
    builder.add_conditional_edges(START, route_start)
    builder.add_node("review", review)
    builder.add_edge("plan", "review")
    builder.add_edge("check_plan", "review")
    builder.add_conditional_edges("review", send_shots, ["recaption"])
    builder.add_edge("recaption", "gather")
    builder.add_conditional_edges("gather", send_specs, ["render"])
    builder.add_edge("render", "critique")
    builder.add_conditional_edges("critique", route_retakes, ["render", "edit"])
    builder.add_edge("edit", "assemble")
    builder.add_edge("assemble", END)
    return builder.compile(checkpointer=checkpointer, name="storyreel")


graph = build_graph()
