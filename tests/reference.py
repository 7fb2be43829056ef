"""Independent reference solutions shared by several test files (not the package's own code)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from l2lessons.softmax import softmax_ce_l2


def course_softmax_solution(X, y, lam):
    """Minimize the course's softmax objective by L-BFGS: a different optimizer from the package's
    gradient descent, so agreement with scikit-learn checks the objective, not one algorithm."""
    p, c = X.shape[1], int(np.max(y)) + 1

    def objective(theta):
        loss, dW, db = softmax_ce_l2(theta[: p * c].reshape(p, c), theta[p * c :], X, y, lam)
        return loss, np.concatenate([dW.ravel(), db])

    res = minimize(
        objective,
        np.zeros(p * c + c),
        jac=True,
        method="L-BFGS-B",
        options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 10000},
    )
    return res.x[: p * c].reshape(p, c), res.x[p * c :]
