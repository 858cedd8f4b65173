"""政策模拟 in the web: reforms simulated in the background on the server's populations.

A ``Workbench`` knows the populations (each a directory of population.yaml + Parquet, as
``duixian population generate`` writes it: the configured directory itself, or its sub-directories),
the example reforms (examples/reforms/ of the source tree) and the jobs. A job is ``reform.simulate`` —
the very function behind ``duixian reform`` — on one worker thread: jobs run one at a time, since a
city-wide population takes minutes and much of the machine's memory. The page polls the job's
progress, which simulate reports rule by rule. Jobs live in memory only (the newest ``MAX_JOBS``): a
restart forgets them.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from duixian import rulebook
from duixian.charts import reform as chart
from duixian.engine.case import load_yaml
from duixian.engine.money import format_fen
from duixian.errors import InputError, InputErrors
from duixian.population import batch
from duixian.population.load import META_FILE, Population, open_population, read_meta
from duixian.reform import Reform, Simulation, parse_reform, simulate
from duixian.reform.spec import ReformFile
from duixian.storage.timestamps import shown
from duixian.web.actions import Refusal
from duixian.web.errors import validation_problems
from duixian.web.reads import money
from duixian.web.schemas import (
    Beneficiaries,
    BeneficiaryGain,
    DistrictCost,
    ParameterChange,
    PopulationInfo,
    Problem,
    ReadingChange,
    ReformExample,
    ReformJob,
    ReformProgress,
    ReformRequest,
    ReformStatus,
    ReformSummary,
    RuleCost,
)

log = logging.getLogger(__name__)

# The source tree's examples; absent when duixian is installed from a wheel (then only pasted text).
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "reforms"
MAX_JOBS = 20
JOB_FIELD = "JOB"  # an unknown job is 404 (web.actions.NOT_FOUND_FIELDS)
STATUS_NAMES: dict[ReformStatus, str] = {
    "queued": "排队中",
    "running": "计算中",
    "done": "已完成",
    "failed": "未能完成",
}
RUN_WORDS = {"baseline": "基线", "reform": "改革后"}


@dataclass
class Job:
    id: str
    population: str
    reform: Reform
    submitted: dt.datetime
    total: int  # progress steps: every formula of the document, once per run
    status: ReformStatus = "queued"
    done: int = 0
    step: str = "排队等候"
    problems: list[Problem] = field(default_factory=list)
    simulation: Simulation | None = None
    charts: dict[chart.ImageFormat, bytes] = field(default_factory=dict)

    def advance(self, run: str, step: str) -> None:
        """simulate's progress hook: one formula of one run is done."""
        self.done += 1
        self.step = f"{RUN_WORDS.get(run, run)}：{step} 已算完"

    def fail(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.step = "未能完成"
        self.status = "failed"

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class Workbench:
    def __init__(self, populations: Path | None, examples: Path | None = EXAMPLES) -> None:
        self.root = populations
        self.examples_dir = examples
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._worker: ThreadPoolExecutor | None = None  # started by the first job, again after close
        self._opened: tuple[Path, float, Population] | None = None  # the last population read

    def close(self) -> None:
        """At the app's shutdown: queued jobs are dropped; a running one ends with its simulation."""
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.shutdown(wait=False, cancel_futures=True)

    # --- what can be chosen -----------------------------------------------------------------------

    def population_dirs(self) -> dict[str, Path]:
        """Population directories by name: the configured directory if it is one, and its children."""
        if self.root is None or not self.root.is_dir():
            return {}
        candidates = [self.root, *sorted(p for p in self.root.iterdir() if p.is_dir())]
        return {p.name: p for p in candidates if (p / META_FILE).is_file()}

    def populations(self) -> list[PopulationInfo]:
        documents = rulebook.documents()
        found = []
        for name, path in self.population_dirs().items():
            try:
                meta = read_meta(path)
            except (InputError, InputErrors) as exc:  # one broken directory must not hide the others
                log.warning("population %s skipped: %s", path, exc)
                continue
            if meta.document not in documents:
                continue
            number = documents[meta.document].number
            found.append(PopulationInfo(name=name, document=meta.document, document_number=number,
                                        year=meta.year, synthetic=meta.synthetic, entities=meta.entities))  # fmt: skip
        return found

    def population_dir(self, name: str) -> Path:
        dirs = self.population_dirs()
        if name not in dirs:
            known = "、".join(dirs) or "无（启动时用 --populations 指定目录，或 --demo）"
            raise InputError("population", f"没有人群 {name!r}（可选：{known}）")
        return dirs[name]

    def examples(self) -> list[ReformExample]:
        if self.examples_dir is None or not self.examples_dir.is_dir():
            return []
        found = []
        for path in sorted(self.examples_dir.glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            data = load_yaml(text)
            description = str(data.get("description", "")) if isinstance(data, Mapping) else ""
            found.append(ReformExample(name=path.stem, description=description, text=text))
        return found

    def example_text(self, name: str) -> str:
        examples = {e.name: e.text for e in self.examples()}
        if name not in examples:
            known = "、".join(examples) or "无"
            raise InputError("example", f"没有示例方案 {name!r}（可选：{known}）")
        return examples[name]

    # --- jobs -------------------------------------------------------------------------------------

    def submit(self, request: ReformRequest) -> Job:
        """Check the request (bad input raises, naming the field), then queue the simulation."""
        path = self.population_dir(request.population)
        if request.reform.strip():
            text = request.reform
        elif request.example:
            text = self.example_text(request.example)
        else:
            raise InputError("reform", "必填：粘贴改革方案（YAML），或选择一个示例方案")
        reform = parse_reform_text(text)
        meta = read_meta(path)
        if meta.document != reform.document.id:
            raise InputError(
                "document",
                f"改革方案针对 {reform.document.number}（{reform.document.id}），"
                f"人群 {request.population} 属于 {meta.document}：请选该文件的人群",
            )
        job = Job(
            id=uuid.uuid4().hex[:12],
            population=request.population,
            reform=reform,
            submitted=dt.datetime.now(dt.UTC),
            total=2 * batch.steps_total(reform.document),
        )
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
            if self._worker is None:
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="duixian-reform")
            self._worker.submit(self._run, job, path)
        return job

    def job(self, job_id: str) -> Job:
        with self._lock:
            found = self._jobs.get(job_id)
        if found is None:
            raise InputError(JOB_FIELD, f"没有测算任务 {job_id!r}（任务只保存在内存中，服务重启后即清空）")
        return found

    def jobs(self) -> list[Job]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def chart(self, job: Job, image_format: chart.ImageFormat) -> bytes:
        """The job's chart (drawn once per format, by the same code as ``duixian reform --chart``)."""
        simulation = finished(job)
        with self._lock:
            drawn = job.charts.get(image_format)
        if drawn is None:
            drawn = chart.render(simulation, image_format)
            with self._lock:
                job.charts[image_format] = drawn
        return drawn

    def _forget_old(self) -> None:
        finished_ids = [k for k, j in self._jobs.items() if j.finished]
        for job_id in finished_ids[: max(0, len(self._jobs) - MAX_JOBS)]:
            del self._jobs[job_id]

    def _run(self, job: Job, path: Path) -> None:
        job.status, job.step = "running", "读取人群"
        try:
            population = self._open(path)
            job.total = 2 * batch.steps_total(job.reform.document, tables=population.tables)
            simulation = simulate(population, job.reform, job.advance)
            job.step = "绘图"
            job.charts["svg"] = chart.render(simulation, "svg")  # the page shows it at once
        except (InputError, InputErrors) as exc:
            job.fail(problems_of(exc))
        except Exception as exc:  # the page must say what went wrong, not poll for ever
            log.exception("reform job %s failed", job.id)
            job.fail([Problem(field="job", reason=f"内部错误：{type(exc).__name__}: {exc}")])
        else:
            job.simulation = simulation
            job.step = "已完成"
            job.status = "done"

    def _open(self, path: Path) -> Population:
        """The population, read once while its population.yaml is unchanged (analysts try several reforms)."""
        stamp = (path / META_FILE).stat().st_mtime
        if self._opened is not None and self._opened[:2] == (path, stamp):
            return self._opened[2]
        self._opened = None  # drop the old one before reading the next
        population = open_population(path)
        self._opened = (path, stamp, population)
        return population


def parse_reform_text(text: str) -> Reform:
    """A reform file's text (as pasted in the page), checked as ``duixian reform`` checks the file."""
    try:
        data = load_yaml(text)  # dates stay text: the spec names a bad ``from``
    except yaml.YAMLError as exc:
        raise InputError("reform", f"不是有效的 YAML：{exc}") from None
    if not isinstance(data, Mapping):
        raise InputError(
            "reform", "改革方案应为字段映射：name、description、document、from、parameters、readings"
        )
    try:  # the file's shape first, to say pydantic's complaints in Chinese; then the spec's own checks
        ReformFile.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc.errors())
        raise InputErrors([InputError(p.field, p.reason) for p in problems]) from None
    return parse_reform(data)


def problems_of(exc: InputError | InputErrors) -> list[Problem]:
    errors = exc.errors if isinstance(exc, InputErrors) else [exc]
    return [Problem(field=e.field, reason=e.reason) for e in errors]


def finished(job: Job) -> Simulation:
    """The job's simulation; a job not (successfully) done is refused (409)."""
    if job.simulation is None:
        raise Refusal([InputError(JOB_FIELD, f"测算任务 {job.id} {STATUS_NAMES[job.status]}，尚无结果")])
    return job.simulation


# --- as the API answers ---------------------------------------------------------------------------


def describe(job: Job, with_summary: bool = True) -> ReformJob:
    done = job.status == "done"
    base = f"/api/reforms/{job.id}"
    return ReformJob(
        id=job.id,
        status=job.status,
        status_name=STATUS_NAMES[job.status],
        population=job.population,
        reform=job.reform.name,
        submitted_at=shown(job.submitted),
        progress=ReformProgress(done=job.done, total=job.total, step=job.step),
        problems=job.problems,
        summary=summary(job.simulation) if job.simulation is not None and with_summary else None,
        chart_svg=f"{base}/chart.svg" if done else None,
        chart_png=f"{base}/chart.png" if done else None,
        excel=f"{base}/results.xlsx" if done else None,
    )


def summary(sim: Simulation) -> ReformSummary:
    """``Simulation.summary()`` — what ``duixian reform --json`` prints — with money as fen and yuan."""
    data = sim.summary()
    rules = sim.reform.document.rules
    sums = ("baseline", "reform", "difference")
    return ReformSummary.model_validate(
        {
            **data,
            "document_number": sim.reform.document.number,
            "cost": money(data["cost_fen"]),
            "baseline_total": money(data["totals_fen"]["baseline"]),
            "reform_total": money(data["totals_fen"]["reform"]),
            "beneficiaries": Beneficiaries(**data["beneficiaries"]),
            "parameters": [ParameterChange(**p) for p in data["parameters"]],
            "readings": [ReadingChange(**r) for r in data["readings"]],
            "by_rule": [RuleCost(**_money(r, sums), title=rules[r["rule"]].title) for r in data["by_rule"]],
            "by_district": [DistrictCost(**_money(d, sums)) for d in data["by_district"]],
            "largest_gains": [BeneficiaryGain(**_money(g, sums)) for g in data["largest_gains"]],
        }
    )


def _money(row: Mapping[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    return {**row, **{c: money(int(row[c])) for c in columns}}


def signed_yuan(fen: int) -> str:
    """A difference as the CLI prints it: +1,234.56 / -1,234.56 / 0.00."""
    return ("+" if fen > 0 else "") + format_fen(fen)
