"""ExPO training stage: PEFT LoRA on a round's selection (ExP-SFT, ExP-DPO, ExP-GRPO, baselines)."""
