"""The losses, as plain functions of per-token log-probs.

Notation: for a sequence, `logps` are log pi(token_t | prompt, tokens_<t) over completion
tokens (mask 1), zero elsewhere.

- ExP-SFT:   L = -sum_t logp_t / sum_t 1 over the completion tokens of the batch (token mean;
             the prompt is masked). The self-explanation is scored under the PLAIN prompt,
             i.e. log pi(c, a* | q) with the hint removed.
- ExP-DPO:   L = -log sigmoid(beta * [(logp(y_w) - ref(y_w)) - (logp(y_l) - ref(y_l))]), batch mean,
             with sequence sums; y_w = self-explanation, y_l = a wrong on-policy attempt, and the
             reference = the policy that generated the round (its stored log-prob sums).
- ExP-DPO+SFT: DPO + sft_weight * ExP-SFT on the chosen (RPO-style: keeps the chosen likelihood
             from sinking along with the rejected one, a known DPO failure on off-policy chosen).
- ExP-GRPO:  per token, r_t = exp(logp_t - logp_old_t) against the stored generation log-probs;
             L_pg = -mean_t min(r_t A, clip(r_t, 1 - eps, 1 + eps) A) with the group-normalised
             advantage A of the attempt; L = L_pg + sft_coef * ExP-SFT on the positives. The paper
             found sft_coef = 0.04 best (0.5 worse than none); positives get no advantage.

Every mean is a sum over the batch divided by `count`: by default the batch's own items, and in
training the items of the whole accumulation window (all ranks), so that micro-batches add up to the
window's mean and --grad-accum K over batch B is batch B*K (transformers' num_items_in_batch).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def token_logps(logits: torch.Tensor, labels: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """log p(labels[t]) from logits[t] (already shifted), zeroed where mask == 0. [B, T]"""
    logps = torch.gather(logits.float().log_softmax(-1), 2, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return logps * mask


def _per(count: float | None, default: torch.Tensor) -> torch.Tensor | float:
    """The divisor of a mean: `count` (a window's items; 0 means no items there, so the sum is 0 too)
    or the batch's own items."""
    if count is None:
        return default.clamp(min=1)
    return count if count > 0 else 1.0


def sft_loss(logps: torch.Tensor, mask: torch.Tensor, count: float | None = None) -> torch.Tensor:
    return -(logps * mask).sum() / _per(count, mask.sum())


def dpo_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, ref_chosen: torch.Tensor,
             ref_rejected: torch.Tensor, beta: float, count: float | None = None
             ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Sigmoid DPO on sequence log-prob sums, a mean over `count` pairs (default: these); returns
    (loss, chosen_rewards, rejected_rewards)."""
    chosen_rewards = beta * (policy_chosen - ref_chosen)
    rejected_rewards = beta * (policy_rejected - ref_rejected)
    losses = -F.logsigmoid(chosen_rewards - rejected_rewards)
    loss = losses.mean() if count is None else losses.sum() / _per(count, None)
    return loss, chosen_rewards.detach(), rejected_rewards.detach()


def grpo_loss(logps: torch.Tensor, old_logps: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
              clip_eps: float, count: float | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Clipped policy-gradient loss, a mean over `count` tokens (default: the batch's); returns (loss,
    clipped fraction over the same tokens)."""
    ratio = torch.exp(logps - old_logps) * mask + (1 - mask)
    adv = advantages.unsqueeze(-1)
    unclipped = ratio * adv
    clipped = torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps) * adv
    per_token = -torch.minimum(unclipped, clipped)
    per = _per(count, mask.sum())
    loss = (per_token * mask).sum() / per
    clip_frac = (((ratio - 1).abs() > clip_eps).float() * mask).sum() / per
    return loss, clip_frac.detach()
