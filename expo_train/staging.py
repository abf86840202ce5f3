"""Where a run reads and writes: the round, the base model, the adapter to continue and where the
outputs go, resolved and checked before anything loads (`resolve_setup`); `staged` makes them writable
and publishes what goes to object storage once the run is done."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from expo_data.errors import ExpoError
from expo_data.store.grading import check_selection
from expo_data.model import fingerprint_dir, resolve_adapter
from expo_data.store.schema import LAYOUT, RoundDir, read_selection_record
from expo_data.store.shards import verify_round_dir
from expo_data.store.storage import Store, cache_dir_for, is_remote, redact

from .checkpoints import CHECKPOINT_STATE, check_adapter_out
from .config import TrainConfig
from .distributed import _barrier, _distributed
from .lora import check_policy
from .reporting import parse_report_to


def ensure_selection(data_dir: Any, log: Callable[[str], None], wait: bool = True) -> dict[str, Any]:
    """The round's selection record, made first by the default `expo-data select` when it has none. The record is
    read again under the round's lock before selecting: a select that was committing (its old record gone, the
    new one not yet written) is waited for, not overwritten with the defaults."""
    store = RoundDir(data_dir)
    record = read_selection_record(store)
    if record is None:
        from expo_data.store.lock import round_writer
        from expo_data.select import select  # DuckDB only when a selection must be made

        with round_writer(data_dir, "expo-train (default selection)", wait=wait, log=log):  # select and the record, as one writer
            record = read_selection_record(store)
            if record is None:
                log(f"no selection in {data_dir}; running the default `expo-data select`")
                record = select(data_dir, log=log)
                record["ran_by"] = "expo-train (default selection)"
                store.write_json(LAYOUT["selection_record"], record)
                return record
    check_selection(store, record)  # made under another grading than the round's (a regrade since): refused
    return record


def current_selection(rd: RoundDir) -> dict[str, Any]:
    """The selection record the run trains on, read with its tables under the round's lock (load_data)."""
    record = read_selection_record(rd)
    if record is None:
        raise ExpoError(f"the selection in {rd.uri('selected')} was removed while this run started (a select that "
                        f"failed, or a regrade); rerun `expo-data select {rd.uri()}`, then this command")
    check_selection(rd, record)
    return record


def check_round_unchanged(setup: "Setup") -> None:
    """The round read again under its lock is the one resolve_setup checked: a generate --overwrite in between
    would have made another round of it."""
    from expo_data.store.schema import read_manifest

    now = read_manifest(setup.rd) or {}
    if now.get("config_hash") != setup.manifest.get("config_hash"):
        raise ExpoError(f"{setup.rd.uri()} was generated again while this run started (another configuration); "
                        f"rerun this command")


# What a run writes, by LAYOUT name: uploaded to object storage when the run is done.
RUN_OUTPUTS = ["adapter", "checkpoints", "train_config", "train_metrics", "train_summary"]
RUN_DIR_SUFFIX = ".run"  # a run with --out OUT keeps its records in OUT.run, beside its adapter


def run_records(rd: RoundDir, out: str | None) -> RoundDir:
    """Where a run's records (RUN_OUTPUTS but the adapter) live: with its adapter. The round's own run
    (no --out, the adapter in DATA/adapter) keeps them in the round, as the loop and older rounds do;
    a run with --out OUT in OUT.run, so no run replaces another's curves or checkpoints and --resume
    finds its own."""
    return rd if out is None else RoundDir(out.rstrip("/") + RUN_DIR_SUFFIX)


@dataclass
class Setup:
    """What a training run works on, resolved from the options and the round before anything is loaded
    or written. Object storage has no rename and no appends: what would be written there (the adapter and
    the run's records when --out is remote, or when --data is and --out is unset) is written to a local
    stage first."""

    rd: RoundDir  # where the data is read: local, or object storage
    manifest: dict[str, Any]
    base_path: str
    adapter_path: str | None  # the adapter that generated the round, continued unless --from-base
    out: str | None  # --out as given: None (the round's adapter/), a local dir, or an object-storage URI
    remote_out: bool
    rank: int
    world: int
    stage: RoundDir | None = None  # the local stage of remote outputs, removed once they are uploaded
    records: RoundDir | None = None  # where the run's records end up (run_records); default: the round
    trained_on: dict[str, Any] | None = None  # what the data was read from (trained_on), read with it under the lock

    def __post_init__(self) -> None:
        if self.records is None:
            self.records = run_records(self.rd, self.out)

    @property
    def main_process(self) -> bool:
        return self.rank == 0  # data parallel: every rank trains its share of the batches; rank 0 writes

    @property
    def work(self) -> RoundDir:
        """Where checkpoints, metrics and records are written locally: their place, or the local stage."""
        return self.stage if self.records.remote else self.records

    @property
    def staged_adapter(self) -> bool:
        return self.remote_out or (self.out is None and self.rd.remote)

    @property
    def out_dir(self) -> Path:
        """The adapter, written locally (into the stage when it goes to object storage)."""
        if self.staged_adapter:
            return self.stage.adapter
        return self.rd.adapter if self.out is None else Path(self.out)

    @property
    def adapter_uri(self) -> str:
        """Where the adapter is once the run is done."""
        if self.remote_out:
            return self.out
        return self.rd.uri("adapter") if self.staged_adapter else str(self.out_dir)

    def publish(self, names: list[str]) -> None:
        """Upload staged outputs (LAYOUT names): the records and the adapter to where they go."""
        for name in names:
            if name == "adapter":
                if self.staged_adapter:
                    store, under = (Store(self.out), "") if self.remote_out else (self.rd, LAYOUT["adapter"])
                    store.upload_dir(self.out_dir, under)
            elif self.records.remote:
                self._upload_record(name)

    def _upload_record(self, name: str) -> None:
        local, remote = self.work.local(name), self.records
        if local.is_dir():
            kept = {p.name for p in local.iterdir()}
            for step_dir in sorted(p for p in local.iterdir() if p.is_dir()):
                target = f"{LAYOUT[name]}/{step_dir.name}"
                if not remote.is_file(f"{target}/{CHECKPOINT_STATE}"):  # its state file goes last: the marker
                    remote.upload_dir(step_dir, target, last=CHECKPOINT_STATE)
            for old in remote.subdirs(LAYOUT[name]):  # pruned locally: prune there too
                if old not in kept:
                    for file in remote.list(f"{LAYOUT[name]}/{old}"):
                        remote.delete(file)
        elif local.is_file():
            remote.upload_file(local, LAYOUT[name])


def resolve_setup(cfg: TrainConfig) -> Setup:
    """The round, the base model, the adapter to continue, where the outputs go and the LoRA against the
    model's skeleton, all checked; nothing is loaded or written here."""
    rd = RoundDir(cfg.data)
    # The whole round checked (manifest fields, every committed shard against its sidecar) before a
    # model is loaded: the selection and the reference log-probs come from these shards.
    manifest = verify_round_dir(rd)
    if "base_model" not in manifest:
        raise ExpoError(f"{rd.uri('manifest_path')} names no base_model; regenerate the round or restore the file")
    base_path = manifest["base_model"]
    if cfg.model is not None:
        if fingerprint_dir(cfg.model) != manifest.get("base_model_sha256"):
            raise ExpoError(f"{rd.uri()} was generated from base model {base_path}, not --model {cfg.model} "
                            f"(weights differ); train the policy that generated the data")
        base_path = cfg.model
    adapter_path = resolve_adapter(manifest.get("adapter")) if manifest.get("adapter") else None
    out = None if cfg.out is None else str(cfg.out)
    remote_out = out is not None and is_remote(out)
    if remote_out:
        Store(out)  # its URI checked (a known filesystem, no '..') now, not when the adapter is uploaded
    stage = RoundDir(cache_dir_for(f"{redact(cfg.data)}#{redact(cfg.out or '')}", "train-stage")) \
        if remote_out or (out is None and rd.remote) else None
    rank, world = _distributed()
    setup = Setup(rd, manifest, base_path, adapter_path, out, remote_out, rank, world, stage)
    if not setup.staged_adapter:  # the adapter's place, before a model is loaded (a stage is ours)
        check_adapter_out(setup.out_dir, round_default=out is None)
    if cfg.report_to and setup.records.remote and parse_report_to(cfg.report_to):
        raise ExpoError(f"--report-to writes into the run's directory, and {setup.records.uri()} is on object storage; "
                        f"train with a local --out (or a local round) to log curves")
    if not setup.records.remote and setup.records.location != rd.location:
        place = setup.records.local()
        if place.exists() and not place.is_dir():
            raise ExpoError(f"{place} (where this run's records and checkpoints go, beside --out {out}) exists and "
                            f"is not a directory; move it or name another --out")
    check_policy(cfg, base_path, adapter_path)
    return setup


@contextmanager
def staged(cfg: TrainConfig, setup: Setup) -> Iterator[Setup]:
    """The run's outputs made writable before training, and published after it: with object storage,
    a fresh local stage (holding the remote round's checkpoints and metrics for --resume) that is
    uploaded and removed once the run inside has finished; a failed run uploads nothing."""
    if setup.main_process:
        if setup.stage is not None:
            shutil.rmtree(setup.stage.local(), ignore_errors=True)
            setup.stage.local().mkdir(parents=True)
            if cfg.resume and setup.records.remote:
                setup.records.download_dir(LAYOUT["checkpoints"], setup.stage.checkpoints)
                if setup.records.is_file(LAYOUT["train_metrics"]):
                    setup.stage.train_metrics.write_bytes(setup.records.read_bytes(LAYOUT["train_metrics"]))
        setup.work.makedirs()
        if setup.remote_out:
            Store(setup.out).makedirs()  # a missing bucket or credential fails now, not after training
    _barrier(setup.world)
    yield setup
    if setup.main_process and setup.stage is not None:
        setup.publish(RUN_OUTPUTS)
        shutil.rmtree(setup.stage.local(), ignore_errors=True)  # uploaded: the bucket holds it now


def trained_on(rd: RoundDir) -> dict[str, Any]:
    """What a run's data came from: the selection record's sha256 (None without one) and the shards' sidecars.
    The loop retrains when either changed since (a new selection, or a regrade of the shards)."""
    import hashlib

    try:
        selection = hashlib.sha256(rd.read_bytes(LAYOUT["selection_record"])).hexdigest()
    except FileNotFoundError:
        selection = None
    return {"selection_sha256": selection, "source_shards": rd.sidecar_hashes()}
