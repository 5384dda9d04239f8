"""The byte budget of the images that wait for the writer."""

from __future__ import annotations

import threading

from services.predictions.budget import ByteBudget


def test_what_fits_is_taken_and_what_does_not_is_refused_whole() -> None:
    budget = ByteBudget(100)
    assert budget.reserve(60) and not budget.reserve(41) and budget.used == 60
    assert budget.reserve(40) and budget.used == 100
    budget.release(60)
    assert budget.used == 40 and budget.reserve(60)


def test_threads_never_take_more_than_the_limit() -> None:
    budget, taken = ByteBudget(1000), []

    def take() -> None:
        taken.extend(budget.reserve(1) for _ in range(500))

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(taken) == 1000 and budget.used == 1000
