"""Exercises of lesson 6, PyTorch's ``weight_decay`` (keys ``pytorch_weight_decay.N``).

The cases are built here from seeded data, never from notebook variables. The references are
independent of the student's code: exercise 1 reads what an optimizer built from the package's
``decay_param_groups`` really applies (``decay_audit``); exercises 2 and 3 run one step of
``torch.optim.Adam`` and ``torch.optim.AdamW`` on a float64 tensor, with the optimizer's state
(step count, ``exp_avg``, ``exp_avg_sq``) loaded from the case.
"""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise, Mistake, register

# --- 1. which parameters get weight decay ----------------------------------------------------


def _models():
    """Three small networks: LayerNorm in an MLP, BatchNorm after a conv, an embedding."""
    import torch
    from torch import nn

    class Flatten(nn.Module):
        def forward(self, x):
            return x.flatten(1)

    class Net(nn.Sequential):
        """A Sequential whose repr is one short line (it appears in the feedback)."""

        def __repr__(self):
            return "<" + " → ".join(type(layer).__name__ for layer in self) + ">"

    torch.manual_seed(0)
    mlp = Net(nn.Linear(8, 6), nn.LayerNorm(6), nn.ReLU(), nn.Linear(6, 3))
    cnn = Net(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), Flatten(), nn.Linear(144, 2))
    text = Net(nn.Embedding(20, 5), nn.Linear(5, 5, bias=False), nn.LayerNorm(5))
    return [mlp, cnn, text]


def _cases_1():
    mlp, cnn, text = _models()
    return [(mlp, 0.02), (cnn, 5e-4), (text, 0.1), (mlp, 0.0)]


def _reference_1(model, wd):
    import torch

    from ..torchtools import decay_audit, decay_param_groups

    optimizer = torch.optim.SGD(decay_param_groups(model, wd), lr=0.1)
    return [row.weight_decay for row in decay_audit(model, optimizer)]


def solution_weight_decays(model, wd):
    return [wd if p.ndim >= 2 else 0.0 for p in model.parameters()]


def _decay_everything(model, wd):
    return [wd for _ in model.parameters()]


def _by_name(model, wd):
    return [wd if name.endswith("weight") else 0.0 for name, _ in model.named_parameters()]


def _kernels_only(model, wd):
    return [wd if p.ndim > 2 else 0.0 for p in model.parameters()]


def _inverted(model, wd):
    return [0.0 if p.ndim >= 2 else wd for p in model.parameters()]


register(
    Exercise(
        key="pytorch_weight_decay.1",
        kind="function",
        reference=_reference_1,
        cases=_cases_1,
        solution=solution_weight_decays,
        mistakes=[
            Mistake(
                _decay_everything,
                {
                    "en": "That is what model.parameters() does: biases and norm parameters "
                    "(1-D) should get 0.0.",
                    "zh": "这正是直接传 model.parameters() 的效果："
                    "偏置和归一化层参数（一维）应为 0.0。",
                },
            ),
            Mistake(
                _by_name,
                {
                    "en": "A name ending in 'weight' is not a weight matrix: a LayerNorm or "
                    "BatchNorm gain is called 'weight' too. Test the number of dimensions.",
                    "zh": "名字以 weight 结尾的不一定是权重矩阵：LayerNorm、BatchNorm 的增益也叫 "
                    "weight。请按参数的维数判断。",
                },
            ),
            Mistake(
                _kernels_only,
                {
                    "en": "A Linear weight has 2 dimensions: 'two or more' includes it.",
                    "zh": "Linear 的权重是二维的：“二维及以上”也包括它。",
                },
            ),
            Mistake(
                _inverted,
                {
                    "en": "The other way round: matrices and kernels get wd, 1-D parameters 0.0.",
                    "zh": "弄反了：矩阵和卷积核用 wd，一维参数用 0.0。",
                },
            ),
        ],
        atol=0.0,
    )
)

# --- 2 and 3. one step of Adam + L2 and of AdamW, in NumPy ------------------------------------


def _cases_adam():
    """(theta, grad, m, v, t, lr, wd): a first step, and later steps with a state to update."""
    rng = np.random.default_rng(6)
    cases = []
    for t, lr, wd in [(1, 0.1, 0.5), (4, 0.05, 0.2), (30, 0.01, 1.0), (200, 0.1, 0.05)]:
        theta = rng.normal(scale=2.0, size=6)
        grad = rng.normal(size=6) * np.array([10.0, 1.0, 0.1, 0.01, 1e-3, 0.0])
        if t == 1:
            m, v = np.zeros(6), np.zeros(6)
        else:
            m = 0.3 * rng.normal(size=6)
            v = (0.5 * rng.normal(size=6)) ** 2 + 1e-4
        cases.append((theta, grad, m, v, t, lr, wd))
    return cases


def _torch_step(decoupled, theta, grad, m, v, t, lr, wd):
    """One step of torch.optim.Adam (decoupled=False) or AdamW, from the state of step t - 1."""
    import torch

    p = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    optimizer_class = torch.optim.AdamW if decoupled else torch.optim.Adam
    optimizer = optimizer_class([p], lr=lr, weight_decay=wd)
    if t > 1:
        optimizer.state[p] = {
            "step": torch.tensor(float(t - 1)),
            "exp_avg": torch.tensor(m, dtype=torch.float64),
            "exp_avg_sq": torch.tensor(v, dtype=torch.float64),
        }
    p.grad = torch.tensor(grad, dtype=torch.float64)
    optimizer.step()
    return p.detach().numpy().copy()


def _reference_adam_l2(theta, grad, m, v, t, lr, wd):
    return _torch_step(False, theta, grad, m, v, t, lr, wd)


def _reference_adamw(theta, grad, m, v, t, lr, wd):
    return _torch_step(True, theta, grad, m, v, t, lr, wd)


def _adam(theta, grad, m, v, t, lr, *, bias_correction=True, v_grad=None):
    """Adam's step on the gradient ``grad`` (``v_grad``: the gradient that v sees, if another)."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    v_grad = grad if v_grad is None else v_grad
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * v_grad**2
    if bias_correction:
        m, v = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m / (np.sqrt(v) + eps)


def solution_adam_l2_step(theta, grad, m, v, t, lr, wd, beta1=0.9, beta2=0.999, eps=1e-8):
    g = grad + wd * theta  # L2: the decay joins the gradient, before m and v
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps)


def solution_adamw_step(theta, grad, m, v, t, lr, wd, beta1=0.9, beta2=0.999, eps=1e-8):
    theta = theta * (1 - lr * wd)  # decoupled decay first, as torch does
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps)


def _l2_no_bias_correction(theta, grad, m, v, t, lr, wd):
    return _adam(theta, grad + wd * theta, m, v, t, lr, bias_correction=False)


def _l2_decoupled(theta, grad, m, v, t, lr, wd):
    return _adam(theta * (1 - lr * wd), grad, m, v, t, lr)


def _l2_not_in_v(theta, grad, m, v, t, lr, wd):
    return _adam(theta, grad + wd * theta, m, v, t, lr, v_grad=grad)


def _l2_doubled(theta, grad, m, v, t, lr, wd):
    return _adam(theta, grad + 2 * wd * theta, m, v, t, lr)


_NO_BIAS_CORRECTION = {
    "en": "Did you divide m by 1 - beta1**t and v by 1 - beta2**t (the bias corrections)?",
    "zh": "是否忘了偏差修正：m 要除以 1 - beta1**t，v 要除以 1 - beta2**t？",
}

register(
    Exercise(
        key="pytorch_weight_decay.2",
        kind="function",
        reference=_reference_adam_l2,
        cases=_cases_adam,
        solution=solution_adam_l2_step,
        mistakes=[
            Mistake(_l2_no_bias_correction, _NO_BIAS_CORRECTION),
            Mistake(
                _l2_decoupled,
                {
                    "en": "That is AdamW. With Adam + L2 the decay wd * theta is added to the "
                    "gradient, so it goes through m and v.",
                    "zh": "这是 AdamW 的做法。Adam + L2 是把 wd * theta 加进梯度，"
                    "衰减项要经过 m 和 v。",
                },
            ),
            Mistake(
                _l2_not_in_v,
                {
                    "en": "v must see the same gradient as m, decay included: "
                    "g = grad + wd * theta in both.",
                    "zh": "v 用的梯度要和 m 一样，也要包含衰减项：两处都是 g = grad + wd * theta。",
                },
            ),
            Mistake(
                _l2_doubled,
                {
                    "en": "weight_decay adds wd * theta (the gradient of (wd/2)·‖theta‖²), "
                    "not 2 * wd * theta.",
                    "zh": "weight_decay 加的是 wd * theta（(wd/2)·‖theta‖² 的梯度），"
                    "不是 2 * wd * theta。",
                },
            ),
        ],
        rtol=1e-9,
        atol=1e-12,
    )
)


def _w_decay_after(theta, grad, m, v, t, lr, wd):
    return _adam(theta, grad, m, v, t, lr) * (1 - lr * wd)


def _w_without_lr(theta, grad, m, v, t, lr, wd):
    return _adam(theta * (1 - wd), grad, m, v, t, lr)


def _w_coupled(theta, grad, m, v, t, lr, wd):
    return _adam(theta, grad + wd * theta, m, v, t, lr)


def _w_no_bias_correction(theta, grad, m, v, t, lr, wd):
    return _adam(theta * (1 - lr * wd), grad, m, v, t, lr, bias_correction=False)


register(
    Exercise(
        key="pytorch_weight_decay.3",
        kind="function",
        reference=_reference_adamw,
        cases=_cases_adam,
        solution=solution_adamw_step,
        mistakes=[
            Mistake(
                _w_decay_after,
                {
                    "en": "torch decays first: theta * (1 - lr * wd), then the Adam step "
                    "(decaying after the step also shrinks the step).",
                    "zh": "torch 先衰减：theta * (1 - lr * wd)，再做 Adam 这一步"
                    "（先走这一步再衰减，连这一步也一起缩小了）。",
                },
            ),
            Mistake(
                _w_without_lr,
                {
                    "en": "PyTorch multiplies the decay by the learning rate: the factor is "
                    "1 - lr * wd, not 1 - wd.",
                    "zh": "PyTorch 的衰减要乘以学习率：因子是 1 - lr * wd，不是 1 - wd。",
                },
            ),
            Mistake(
                _w_coupled,
                {
                    "en": "That is Adam + L2: in AdamW the decay stays out of the gradient, so it "
                    "never enters m or v (nor √v).",
                    "zh": "这是 Adam + L2 的做法：AdamW 的衰减不进梯度，"
                    "所以既不进 m，也不进 v（√v）。",
                },
            ),
            Mistake(_w_no_bias_correction, _NO_BIAS_CORRECTION),
        ],
        rtol=1e-9,
        atol=1e-12,
    )
)
