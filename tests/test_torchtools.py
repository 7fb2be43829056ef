"""Tests of the PyTorch helpers: parameter groups, the decay audit and the manual penalty."""

from __future__ import annotations

import copy
import doctest

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import l2lessons.torchtools
from l2lessons.torchtools import (
    AuditRow,
    decay_audit,
    decay_param_groups,
    format_audit,
    manual_l2_penalty,
    scale_invariant_weights,
)


class Net(nn.Module):
    """Conv + BatchNorm, an embedding, Linear + LayerNorm, a tied head and a frozen layer."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, kernel_size=3)  # kernel (3, 1, 3, 3): decayed
        self.bn = nn.BatchNorm2d(3)  # weight and bias 1-D: not decayed
        self.embed = nn.Embedding(10, 4)  # table (10, 4): 2-D, so decayed
        self.fc = nn.Linear(3 * 4 * 4 + 4, 6)
        self.ln = nn.LayerNorm(6)
        self.head = nn.Linear(6, 6)
        self.head_again = self.head  # tied: the same parameters under two names
        self.frozen = nn.Linear(6, 3)
        self.frozen.requires_grad_(False)

    def forward(self, images, tokens):
        h = F.relu(self.bn(self.conv(images))).flatten(1)
        h = torch.cat([h, self.embed(tokens)], dim=1)
        h = self.ln(torch.tanh(self.fc(h)))
        h = torch.tanh(self.head_again(torch.tanh(self.head(h))))
        return self.frozen(h)


DECAYED = ["conv.weight", "embed.weight", "fc.weight", "head.weight"]
EXEMPT = ["conv.bias", "bn.weight", "bn.bias", "fc.bias", "ln.weight", "ln.bias", "head.bias"]
MODEL_ORDER = [
    "conv.weight",
    "conv.bias",
    "bn.weight",
    "bn.bias",
    "embed.weight",
    "fc.weight",
    "fc.bias",
    "ln.weight",
    "ln.bias",
    "head.weight",
    "head.bias",
]


def make_net():
    torch.manual_seed(7)
    net = Net().to(torch.float64)
    with torch.no_grad():  # nonzero norm parameters, so decaying them would show
        for p in (net.bn.bias, net.ln.bias):
            p.uniform_(-0.5, 0.5)
    return net


def batch():
    g = torch.Generator().manual_seed(1)
    images = torch.randn(8, 1, 6, 6, generator=g, dtype=torch.float64)
    tokens = torch.randint(0, 10, (8,), generator=g)
    labels = torch.randint(0, 3, (8,), generator=g)
    return images, tokens, labels


def ids(params):
    return [id(p) for p in params]


def trainable_of(net):
    return [p for p in net.parameters() if p.requires_grad]


# --- decay_param_groups ---------------------------------------------------------------------


def test_groups_hold_exactly_the_right_parameters():
    net = make_net()
    named = dict(net.named_parameters())
    decay, exempt = decay_param_groups(net, 0.1)
    assert decay["weight_decay"] == 0.1 and exempt["weight_decay"] == 0.0
    assert decay["param_names"] == DECAYED and exempt["param_names"] == EXEMPT
    assert ids(decay["params"]) == ids(named[n] for n in DECAYED)
    assert ids(exempt["params"]) == ids(named[n] for n in EXEMPT)
    held = ids(decay["params"] + exempt["params"])
    assert len(held) == len(set(held))  # nothing twice (the tied head is listed once)
    assert set(held) == set(ids(trainable_of(net)))  # nothing missing
    assert not set(held) & set(ids(net.frozen.parameters()))  # frozen ones left out
    assert all(p.ndim >= 2 for p in decay["params"]) and all(p.ndim == 1 for p in exempt["params"])


def test_empty_groups_are_omitted():
    no_bias = nn.Sequential(nn.Linear(3, 2, bias=False))
    (only,) = decay_param_groups(no_bias, 0.01)
    assert only["weight_decay"] == 0.01 and only["param_names"] == ["0.weight"]
    (only,) = decay_param_groups(nn.LayerNorm(4), 0.01)
    assert only["weight_decay"] == 0.0 and only["param_names"] == ["weight", "bias"]


@pytest.mark.parametrize("optimizer_cls", [torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW])
def test_groups_are_accepted_by_torch_optimizers_and_keep_their_names(optimizer_cls):
    net = make_net()
    opt = optimizer_cls(decay_param_groups(net, 0.05), lr=0.01)
    assert [g["weight_decay"] for g in opt.param_groups] == [0.05, 0.0]
    assert opt.param_groups[0]["param_names"] == DECAYED  # torch's own key, kept
    assert opt.state_dict()["param_groups"][1]["param_names"] == EXEMPT
    images, tokens, labels = batch()
    F.cross_entropy(net(images, tokens), labels).backward()
    opt.step()  # runs


# --- decay_audit and format_audit -------------------------------------------------------------


def test_audit_shows_the_trap_of_plain_weight_decay_and_the_fix():
    net = make_net()
    plain = decay_audit(net, torch.optim.SGD(net.parameters(), lr=0.1, weight_decay=0.1))
    assert [row.name for row in plain] == MODEL_ORDER  # trainable only, tied head once
    assert all(row.weight_decay == 0.1 for row in plain)  # biases and norms decayed too
    grouped = decay_audit(net, torch.optim.SGD(decay_param_groups(net, 0.1), lr=0.1))
    by_name = {row.name: row for row in grouped}
    assert all(by_name[n].weight_decay == 0.1 for n in DECAYED)
    assert all(by_name[n].weight_decay == 0.0 for n in EXEMPT)
    assert by_name["conv.weight"] == AuditRow("conv.weight", (3, 1, 3, 3), 0.1)
    assert by_name["bn.bias"].shape == (3,)


def test_audit_marks_parameters_the_optimizer_does_not_hold():
    net = make_net()
    opt = torch.optim.AdamW(net.fc.parameters(), lr=1e-3, weight_decay=0.01)
    rows = {row.name: row.weight_decay for row in decay_audit(net, opt)}
    assert rows["fc.weight"] == 0.01 and rows["fc.bias"] == 0.01
    assert rows["conv.weight"] is None and rows["ln.bias"] is None


def test_format_audit_aligns_columns_and_flags_decayed_1d_parameters():
    net = make_net()
    rows = decay_audit(net, torch.optim.SGD(net.parameters(), lr=0.1, weight_decay=0.1))
    rows[0] = rows[0]._replace(weight_decay=None)
    text = format_audit(rows)
    lines = text.splitlines()
    assert lines[0].split() == ["parameter", "shape", "weight_decay", "note"]
    assert len(lines) == len(rows) + 1
    start = lines[0].index("shape")
    assert all(line[start - 2 : start] == "  " and line[start] == "(" for line in lines[1:])
    assert "not in the optimizer" in lines[1]
    assert "1-D (bias or norm) decayed" in next(ln for ln in lines if ln.startswith("bn.bias"))
    assert "decayed" not in next(ln for ln in lines if ln.startswith("fc.weight"))
    assert all(line == line.rstrip() for line in lines)
    zh = format_audit(rows, lang="zh")
    assert zh.splitlines()[0].startswith("参数") and "不在优化器中" in zh
    assert format_audit([("w", (2, 2), 0.5)]).splitlines()[1].split() == ["w", "(2,", "2)", "0.5"]


# --- manual_l2_penalty and the cross-check with SGD's weight_decay -----------------------------


def test_manual_penalty_is_lam_times_the_squared_weights_only():
    net = make_net()
    lam = 0.3
    expected = lam * sum((p.detach() ** 2).sum() for n, p in net.named_parameters() if n in DECAYED)
    penalty = manual_l2_penalty(net, lam)
    assert penalty.ndim == 0 and penalty.requires_grad
    assert penalty.item() == pytest.approx(expected.item(), rel=1e-14)
    penalty.backward()
    torch.testing.assert_close(net.fc.weight.grad, 2 * lam * net.fc.weight.detach())
    assert net.fc.bias.grad is None and net.ln.weight.grad is None  # not in the penalty


def train(net, optimizer, lam_manual=0.0, steps=4):
    images, tokens, labels = batch()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.cross_entropy(net(images, tokens), labels)
        if lam_manual:
            loss = loss + manual_l2_penalty(net, lam_manual)
        loss.backward()
        optimizer.step()
    return {n: p.detach().clone() for n, p in net.named_parameters()}


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_grouped_sgd_trains_exactly_like_the_manual_penalty_at_half_the_decay(momentum):
    wd = 0.2
    a = make_net()
    grouped = train(a, torch.optim.SGD(decay_param_groups(a, wd), lr=0.1, momentum=momentum))
    b = make_net()
    manual = train(
        b, torch.optim.SGD(trainable_of(b), lr=0.1, momentum=momentum), lam_manual=wd / 2
    )
    for name in grouped:
        torch.testing.assert_close(grouped[name], manual[name], rtol=0, atol=1e-12)
    # plain weight_decay on every parameter (the trap) trains differently: the norms moved
    c = make_net()
    plain = train(c, torch.optim.SGD(trainable_of(c), lr=0.1, momentum=momentum, weight_decay=wd))
    assert (plain["ln.bias"] - manual["ln.bias"]).abs().max() > 1e-4
    assert (plain["bn.bias"] - manual["bn.bias"]).abs().max() > 1e-4


def test_module_doctests():
    result = doctest.testmod(l2lessons.torchtools)
    assert result.attempted >= 8 and result.failed == 0


# --- bad input ----------------------------------------------------------------------------------


def all_frozen():
    net = nn.Linear(2, 2)
    net.requires_grad_(False)
    return net


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: decay_param_groups("model", 0.1), "must be a torch.nn.Module, got str"),
        (lambda: decay_param_groups([nn.Linear(2, 2)], 0.1), "got list"),
        (lambda: decay_param_groups(nn.ReLU(), 0.1), "has no trainable parameters"),
        (lambda: decay_param_groups(all_frozen(), 0.1), "requires_grad=True"),
        (lambda: decay_param_groups(nn.Linear(2, 2), -0.1), "weight_decay must be >= 0"),
        (lambda: decay_param_groups(nn.Linear(2, 2), float("nan")), "weight_decay must be finite"),
        (lambda: decay_param_groups(nn.Linear(2, 2), "0.1"), "weight_decay must be a real number"),
        (lambda: decay_audit(nn.Linear(2, 2), "sgd"), "must be a torch.optim.Optimizer"),
        (lambda: decay_audit(None, "sgd"), "must be a torch.nn.Module"),
        (lambda: format_audit([("w", (2,))]), r"must be \(name, shape, weight_decay\)"),
        (lambda: format_audit([], lang="fr"), "lang must be"),
        (lambda: manual_l2_penalty(nn.LayerNorm(3), 0.1), "no trainable weight matrix"),
        (lambda: manual_l2_penalty(nn.Linear(2, 2), -1.0), "lam must be >= 0"),
        (lambda: manual_l2_penalty(all_frozen(), 0.1), "no trainable parameters"),
    ],
)
def test_bad_input_is_one_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- pre-norm (scale-invariant) weights: scale_invariant_weights, decay_param_groups(pre_norm=)


def pre_norm_net(norm, bias):
    torch.manual_seed(3)
    layer = nn.BatchNorm1d(6) if norm == "bn" else nn.LayerNorm(6)
    return nn.Sequential(nn.Linear(5, 6, bias=bias), layer, nn.ReLU(), nn.Linear(6, 3)).double()


def features():
    return torch.randn(16, 5, generator=torch.Generator().manual_seed(2), dtype=torch.float64)


@pytest.mark.parametrize(
    ("norm", "bias", "expected"),
    [
        ("bn", True, ["0.weight"]),  # BatchNorm removes the bias too: W alone is invariant
        ("bn", False, ["0.weight"]),
        ("ln", False, ["0.weight"]),
        ("ln", True, []),  # LayerNorm keeps a per-feature bias: only (W, b) together is invariant
    ],
)
def test_scale_invariant_weights_finds_the_weights_before_a_norm_layer(norm, bias, expected):
    net = pre_norm_net(norm, bias)
    assert scale_invariant_weights(net, features()) == expected


def test_scale_invariant_weights_agrees_with_autograd_orthogonality_and_leaves_the_model_alone():
    # independent check: a scale-invariant W has <W, dL/dW> = 0 and ||dL/dW(cW)|| = ||dL/dW(W)||/c
    net = pre_norm_net("bn", True)
    net.eval()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    x, y = features(), torch.arange(16) % 3
    assert scale_invariant_weights(net, x) == ["0.weight"]
    assert not net.training  # mode untouched
    for k, v in net.state_dict().items():  # weights and BatchNorm running statistics untouched
        torch.testing.assert_close(v, before[k], rtol=0, atol=0)
    grads = {}
    for c in (1.0, 4.0):
        probe = pre_norm_net("bn", True).train()
        with torch.no_grad():
            probe[0].weight.mul_(c)
        nn.functional.cross_entropy(probe(x), y).backward()
        grads[c] = probe[0].weight.grad
        w, g = probe[0].weight.detach(), probe[0].weight.grad
        assert abs((w * g).sum().item()) < 1e-3 * w.norm().item() * g.norm().item()
        head = probe[3].weight
        assert abs((head.detach() * head.grad).sum().item()) > 1e-3  # the head is not invariant
    assert grads[1.0].norm().item() / grads[4.0].norm().item() == pytest.approx(4.0, rel=1e-3)


def test_pre_norm_gets_its_own_group_and_the_default_is_unchanged():
    net = pre_norm_net("bn", False)
    default = decay_param_groups(net, 0.1)
    assert [g["param_names"] for g in default] == [
        ["0.weight", "3.weight"],
        ["1.weight", "1.bias", "3.bias"],
    ]
    same = decay_param_groups(net, 0.1, pre_norm=[])
    assert [g["param_names"] for g in same] == [g["param_names"] for g in default]
    found = scale_invariant_weights(net, features())
    decayed, invariant, exempt = decay_param_groups(
        net, 0.1, pre_norm=found, pre_norm_weight_decay=0.5
    )
    assert (decayed["param_names"], decayed["weight_decay"]) == (["3.weight"], 0.1)
    assert (invariant["param_names"], invariant["weight_decay"]) == (["0.weight"], 0.5)
    assert invariant["params"][0] is net[0].weight
    assert (exempt["param_names"], exempt["weight_decay"]) == (
        ["1.weight", "1.bias", "3.bias"],
        0.0,
    )
    # default decay of the pre-norm group is weight_decay: same training as without the option
    (_, g2, _) = decay_param_groups(net, 0.1, pre_norm=found)
    assert g2["weight_decay"] == 0.1
    # only pre-norm weights: the first group is omitted
    only = nn.Sequential(nn.Linear(5, 6, bias=False), nn.BatchNorm1d(6))
    groups = decay_param_groups(only, 0.1, pre_norm=["0.weight"], pre_norm_weight_decay=0.0)
    assert [(g["param_names"], g["weight_decay"]) for g in groups] == [
        (["0.weight"], 0.0),
        (["1.weight", "1.bias"], 0.0),
    ]


def test_pre_norm_decay_is_what_sgd_applies():
    # SGD with the three groups == by-hand update W <- W - lr * (grad + wd_group * W)
    net = pre_norm_net("bn", False)
    ref = copy_of(net)
    x, y = features(), torch.arange(16) % 3
    opt = torch.optim.SGD(
        decay_param_groups(net, 0.1, pre_norm=["0.weight"], pre_norm_weight_decay=0.7), lr=0.2
    )
    nn.functional.cross_entropy(net(x), y).backward()
    opt.step()
    nn.functional.cross_entropy(ref(x), y).backward()
    rates = {"0.weight": 0.7, "3.weight": 0.1}
    with torch.no_grad():
        for name, p in ref.named_parameters():
            p -= 0.2 * (p.grad + rates.get(name, 0.0) * p)
    for (name, a), b in zip(net.named_parameters(), ref.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-14, msg=name)


def copy_of(net):
    return copy.deepcopy(net)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: decay_param_groups(pre_norm_net("bn", 0), 0.1, pre_norm=["nope"]),
            "not a trainable",
        ),
        (lambda: decay_param_groups(pre_norm_net("bn", 0), 0.1, pre_norm=["1.weight"]), "a 1-D"),
        (lambda: decay_param_groups(pre_norm_net("bn", 0), 0.1, pre_norm="0.weight"), "the string"),
        (
            lambda: decay_param_groups(pre_norm_net("bn", 0), 0.1, pre_norm_weight_decay=-1),
            "pre_norm_weight_decay must be >= 0",
        ),
        (lambda: scale_invariant_weights(pre_norm_net("bn", 0)), "needs an input batch"),
        (lambda: scale_invariant_weights(pre_norm_net("bn", 0), features(), factor=1), "differ"),
        (
            lambda: scale_invariant_weights(pre_norm_net("bn", 0), features(), rtol=0),
            "rtol must be",
        ),
        (lambda: scale_invariant_weights("net", features()), "torch.nn.Module"),
        (lambda: scale_invariant_weights(TupleOut(), features()), "one tensor"),
    ],
)
def test_pre_norm_bad_input_is_one_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


class TupleOut(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 2).double()

    def forward(self, x):
        return self.fc(x), x
