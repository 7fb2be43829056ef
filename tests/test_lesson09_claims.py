"""Lesson 9's claims, checked outside the notebook on small seeded problems.

Each test runs the real thing (PyTorch's SGD on a network with a normalization layer) and
compares it with the formula the lesson derives; the formulas are not used to compute the runs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from l2lessons.exercise_bank.normalization_layers import _reference_3, equilibrium_norm


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models: one thread is fastest, and the runs are deterministic."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def bn_net(eps=1e-12):
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Linear(8, 16, bias=False), nn.BatchNorm1d(16, eps=eps), nn.ReLU(), nn.Linear(16, 3)
    ).double()


def data():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(64, 8, generator=g, dtype=torch.float64)
    return x, (x[:, 0] > 0).long() + (x[:, 1] > 0).long()


def groups(net, wd):
    rest = [p for name, p in net.named_parameters() if name != "0.weight"]
    return [{"params": [net[0].weight], "weight_decay": wd}, {"params": rest, "weight_decay": 0.0}]


def step(net, opt, x, y):
    opt.zero_grad()
    nn.functional.cross_entropy(net(x), y).backward()
    opt.step()


@pytest.mark.parametrize("c", [0.1, 10.0, 1000.0])
def test_the_output_does_not_depend_on_the_scale_of_a_pre_norm_weight(c):
    net, (x, _) = bn_net(), data()
    with torch.no_grad():
        before = net(x)
        net[0].weight.mul_(c)
        assert (net(x) - before).abs().max().item() < 1e-6
        net[3].weight.mul_(c)  # the head is not scale-invariant
        assert (net(x) - before).abs().max().item() > 1e-2


def test_without_decay_the_norm_grows_exactly_by_pythagoras():
    net, (x, y) = bn_net(), data()
    opt = torch.optim.SGD(groups(net, 0.0), lr=0.5)
    W = net[0].weight
    for _ in range(20):
        before = W.detach().norm().item() ** 2
        opt.zero_grad()
        nn.functional.cross_entropy(net(x), y).backward()
        grad_sq = W.grad.norm().item() ** 2
        opt.step()
        assert W.detach().norm().item() ** 2 == pytest.approx(before + 0.25 * grad_sq, rel=1e-9)


def test_decay_equals_an_exponentially_growing_learning_rate():
    # Li & Arora 2020: SGD with decay wd == SGD without decay, lr_t = lr (1 - lr wd)^(-2t-1)
    lr, wd = 0.5, 0.02
    a, b, (x, y) = bn_net(), bn_net(), data()
    opt_a = torch.optim.SGD(groups(a, wd), lr=lr)
    opt_b = torch.optim.SGD(groups(b, 0.0), lr=lr)
    for t in range(60):
        opt_b.param_groups[0]["lr"] = lr * (1 - lr * wd) ** (-2 * t - 1)
        step(a, opt_a, x, y)
        step(b, opt_b, x, y)
    with torch.no_grad():
        assert (a(x) - b(x)).abs().max().item() < 1e-7
    ratio = b[0].weight.norm().item() / a[0].weight.norm().item()
    assert ratio == pytest.approx((1 - lr * wd) ** -60, rel=1e-7)


def test_with_decay_the_angular_update_settles_at_sqrt_2_lr_wd():
    # full-batch SGD on a BN network with noisy labels, long enough for the norm to settle
    lr, wd = 0.5, 0.04
    net = bn_net(eps=1e-5)
    g = torch.Generator().manual_seed(2)
    x = torch.randn(256, 8, generator=g, dtype=torch.float64)
    y = torch.randint(0, 3, (256,), generator=g)  # random labels: the gradient never vanishes
    opt = torch.optim.SGD(groups(net, wd), lr=lr)
    W, angles = net[0].weight, []
    for t in range(600):
        before = W.detach().clone()
        idx = torch.randperm(256, generator=g)[:64]
        step(net, opt, x[idx], y[idx])
        if t >= 400:
            cos = (before * W.detach()).sum() / (before.norm() * W.detach().norm())
            angles.append(math.acos(min(1.0, cos.item())))
    rms = float(np.sqrt(np.mean(np.square(angles))))
    assert rms == pytest.approx(math.sqrt(2 * lr * wd), rel=0.1)


@pytest.mark.parametrize(("lr", "wd", "g"), [(0.5, 0.01, 2.0), (0.1, 0.05, 0.3), (1.0, 0.1, 1.0)])
def test_the_equilibrium_norm_is_the_fixed_point_of_the_update(lr, wd, g):
    n = equilibrium_norm(lr, wd, g)
    assert n == pytest.approx(_reference_3(lr, wd, g), rel=1e-10)
    # first order: n^4 ~ lr g^2 / (2 wd), within O(lr wd)
    assert n**4 == pytest.approx(lr * g**2 / (2 * wd), rel=lr * wd)
