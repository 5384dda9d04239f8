from __future__ import annotations

from types import SimpleNamespace

from locustfiles.selection import selected_users


def tagged(*tags: str):
    def task() -> None: ...

    if tags:
        task.locust_tag_set = set(tags)
    return task


UPLOAD = SimpleNamespace(name="upload", tasks=[tagged("v1", "upload")])
OIP = SimpleNamespace(name="oip", tasks=[tagged("v2", "oip"), tagged("v2", "oip")])
BAD = SimpleNamespace(name="bad", tasks=[tagged("bad")])
PLAIN = SimpleNamespace(name="plain", tasks=[tagged()])
USERS = [UPLOAD, OIP, BAD, PLAIN]


def names(users) -> list[str]:
    return [user.name for user in users]


def test_without_tags_every_user_runs() -> None:
    assert selected_users(USERS, None, None) == USERS
    assert selected_users(USERS, [], []) == USERS


def test_tags_keep_the_users_with_a_tagged_task() -> None:
    assert names(selected_users(USERS, ["oip", "bad"], None)) == ["oip", "bad"]


def test_excluded_tags_drop_users_with_nothing_left() -> None:
    assert names(selected_users(USERS, None, ["bad", "v1"])) == ["oip", "plain"]


def test_a_user_keeps_running_if_one_of_its_tasks_survives() -> None:
    mixed = SimpleNamespace(name="mixed", tasks=[tagged("v1"), tagged("bad")])
    assert names(selected_users([mixed], None, ["bad"])) == ["mixed"]
