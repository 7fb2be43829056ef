"""Lesson 6's claims, checked independently of the notebook's own code.

Each test re-derives a statement the lesson makes (PyTorch's weight decay, the LayerNorm
rescaling, Adam's update with coupled and decoupled decay) with code written here: a NumPy
recurrence for Adam, torch's own optimizers on the other side.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn


class SmallNet(nn.Module):  # the lesson's network: Linear -> LayerNorm -> ReLU -> Linear
    def __init__(self):
        super().__init__()
        self.fc1, self.norm, self.fc2 = nn.Linear(64, 32), nn.LayerNorm(32), nn.Linear(32, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.norm(self.fc1(x))))


@pytest.fixture
def net_and_data():
    torch.manual_seed(0)
    net = SmallNet().double()
    return net, torch.randn(50, 64, dtype=torch.float64), torch.randint(0, 10, (50,))


def _weights_penalty(model):
    return sum(float((p.detach() ** 2).sum()) for p in model.parameters() if p.ndim >= 2)


def test_layernorm_lets_a_weights_only_penalty_shrink_100_times_for_the_same_function(
    net_and_data,
):
    net, x, _ = net_and_data
    twin = copy.deepcopy(net)
    with torch.no_grad():
        twin.norm.weight.mul_(10), twin.norm.bias.mul_(10), twin.fc2.weight.div_(10)
        exact = float((twin(x) - net(x)).abs().max())
        twin.fc1.weight.div_(10), twin.fc1.bias.div_(10)
        approx = float((twin(x) - net(x)).abs().max())
    assert exact < 1e-12  # gamma, beta absorb fc2's scale exactly (ReLU is homogeneous)
    assert approx < 1e-2  # LayerNorm undoes fc1's scale up to its eps
    assert _weights_penalty(twin) == pytest.approx(_weights_penalty(net) / 100, rel=1e-12)


def test_gradient_of_a_scale_invariant_weight_scales_as_one_over_its_norm(net_and_data):
    net, x, y = net_and_data
    norms = []
    for scale in (1.0, 4.0):
        twin = copy.deepcopy(net)
        with torch.no_grad():
            twin.fc1.weight.mul_(scale), twin.fc1.bias.mul_(scale)
        nn.functional.cross_entropy(twin(x), y).backward()
        norms.append(float(twin.fc1.weight.grad.norm()))
        # and the gradient is orthogonal to (W, b): Euler's identity for a 0-homogeneous loss
        inner = (twin.fc1.weight.grad * twin.fc1.weight).sum() + (
            twin.fc1.bias.grad * twin.fc1.bias
        ).sum()
        assert abs(float(inner)) < 1e-3 * norms[-1] * float(twin.fc1.weight.norm())
    assert norms[0] / norms[1] == pytest.approx(4.0, rel=1e-3)


def _adam_numpy(theta, grads_of, steps, lr, wd, decoupled, decay_after=False):
    """Adam by its recurrence, in NumPy; grads_of(theta) is the data gradient."""
    b1, b2, eps = 0.9, 0.999, 1e-8
    m = v = np.zeros_like(theta)
    for t in range(1, steps + 1):
        g = grads_of(theta)
        if decoupled and not decay_after:
            theta = theta * (1 - lr * wd)
        elif not decoupled:
            g = g + wd * theta
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
        theta = theta - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        if decoupled and decay_after:
            theta = theta * (1 - lr * wd)
    return theta


@pytest.mark.parametrize("decoupled", [False, True], ids=["Adam+L2", "AdamW"])
def test_adam_and_adamw_follow_the_written_update(decoupled):
    rng = np.random.default_rng(0)
    A, b, theta0 = rng.normal(size=(20, 5)), rng.normal(size=20), rng.normal(size=5)
    lr, wd, steps = 0.01, 0.1, 40
    p = torch.tensor(theta0, requires_grad=True)
    opt = (torch.optim.AdamW if decoupled else torch.optim.Adam)([p], lr=lr, weight_decay=wd)
    At, bt = torch.tensor(A), torch.tensor(b)
    for _ in range(steps):
        opt.zero_grad()
        ((At @ p - bt) ** 2).mean().backward()
        opt.step()

    def grads_of(theta):
        return 2 * A.T @ (A @ theta - b) / len(b)

    ours = _adam_numpy(theta0, grads_of, steps, lr, wd, decoupled)
    assert np.max(np.abs(ours - p.detach().numpy())) < 1e-12
    if decoupled:  # the order matters: decaying after the step is measurably different
        after = _adam_numpy(theta0, grads_of, steps, lr, wd, True, decay_after=True)
        assert np.max(np.abs(after - p.detach().numpy())) > 1e-7


def test_defaults_adamw_decays_at_0_01_and_adam_not_at_all():
    w = [torch.zeros(1, requires_grad=True)]
    assert torch.optim.AdamW(w).defaults["weight_decay"] == 0.01
    assert torch.optim.Adam(w).defaults["weight_decay"] == 0


def test_momentum_sgd_weight_decay_is_the_penalty_wd_over_2():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 3)).double()
    x, y = torch.randn(40, 10, dtype=torch.float64), torch.randint(0, 3, (40,))
    twins = [copy.deepcopy(model) for _ in range(2)]
    opts = [
        torch.optim.SGD(twins[0].parameters(), lr=0.1, momentum=0.9, weight_decay=0.02),
        torch.optim.SGD(twins[1].parameters(), lr=0.1, momentum=0.9),
    ]
    for _ in range(25):
        for twin, opt, lam in zip(twins, opts, [0.0, 0.01], strict=True):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(twin(x), y)
            (loss + lam * sum((p**2).sum() for p in twin.parameters())).backward()
            opt.step()
    gaps = [(a - b).abs().max() for a, b in zip(*(t.parameters() for t in twins), strict=True)]
    assert max(float(g) for g in gaps) < 1e-12


def test_adam_l2_decays_a_large_gradient_component_less_than_adamw():
    def mean_after(cls, wd):
        gen = torch.Generator().manual_seed(1)
        theta = torch.ones(1000, 2, dtype=torch.float64, requires_grad=True)
        opt = cls([theta], lr=0.01, weight_decay=wd)
        for _ in range(100):
            noise = torch.randn(1000, 2, generator=gen, dtype=torch.float64)
            theta.grad = noise * torch.tensor([10.0, 1e-3], dtype=torch.float64)
            opt.step()
        return theta.detach().mean(dim=0)

    base = mean_after(torch.optim.Adam, 0.0)
    l2 = 1 - (mean_after(torch.optim.Adam, 0.1) / base) ** (1 / 100)
    w = 1 - (mean_after(torch.optim.AdamW, 0.1) / base) ** (1 / 100)
    assert float(w[0]) == pytest.approx(1e-3, rel=0.05)
    assert float(w[1]) == pytest.approx(1e-3, rel=0.05)
    assert float(l2[0]) < 0.2 * float(w[0])  # large gradients: decayed less
    assert float(l2[1]) > 5 * float(w[1])  # tiny gradients: decayed more
