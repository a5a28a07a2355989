"""EM207: stack operations take time, run after their request is answered, and emit resource
events.

On AWS, CreateStack, UpdateStack, ExecuteChangeSet and DeleteStack answer at once; the stack is
*_IN_PROGRESS meanwhile, and each resource reports CREATE_IN_PROGRESS then CREATE_COMPLETE
(UPDATE_*, DELETE_*, or *_FAILED with the reason), with its LogicalResourceId, ResourceType and
PhysicalResourceId. moto 5.2.5 does the whole operation inside the request and records
stack-level events only, so interruptions, `watch`, progress and notice latency cannot be seen.

Here each resource emits its events, and waits its type's typical duration (the table the
forecast uses, `data/durations.json`) times the time scale, `APPSTACK_TIME_SCALE` (0: instant,
the default). With a scale above 0 the operation runs on a thread of its own once its checks
have passed; the request answers when it has started. As CloudFormation works on every resource
whose dependencies are done, each resource starts when the last of them ends and ends its
duration later (the forecast's schedule: an operation takes its longest dependency chain);
moto still makes one at a time, so a resource may start late, never end early. Resources an
update removes are deleted one after the other. The lifecycle rules (EM1xx) wrap the same
per-resource entry points and are installed first, so they run inside these events. While
an operation runs, DescribeStacks shows no outputs and DescribeStackResources the resources
made so far (moto would make the others on the spot to answer).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from appstack.local.fidelity import rule
from appstack.local.fidelity.em2_shared import (
    LOCK,
    backend_of,
    find_change_set,
    find_stack,
    serialize_requests,
)
from appstack.local.fidelity.em100_update_lifecycle import physical_id_of, resource_event

ENV = "APPSTACK_TIME_SCALE"
#: DeletionPolicy values that keep the resource: CloudFormation reports DELETE_SKIPPED.
_RETAINED = ("Retain", "RetainExceptOnCreate")


def time_scale() -> float:
    """The time scale the emulator was started with (0: every resource is instant)."""
    text = os.environ.get(ENV, "").strip()
    try:
        return max(float(text), 0.0) if text else 0.0
    except ValueError:
        return 0.0


def _seconds(resource_type: str, action: str) -> float:
    from appstack.estimates.forecast import load_durations

    scale = time_scale()
    return load_durations().seconds(resource_type, action) * scale if scale else 0.0  # type: ignore[arg-type]


class _Schedule:
    """When each resource of a running operation starts and ends, in seconds after it began:
    CloudFormation works on every resource whose dependencies are done, so an operation
    takes its longest dependency chain (the forecast's figure), not the sum of its resources."""

    def __init__(
        self, deps: dict[str, list[str]], weight: dict[str, float], deleting: bool
    ) -> None:
        from appstack.estimates.forecast import longest_path

        self.began = time.monotonic()
        self.deps = deps
        self.weight = weight
        self.deleting = deleting
        self.finish, _ = longest_path(deps, weight)

    def start_of(self, logical_id: str) -> float:
        return self.began + self.finish[logical_id] - self.weight[logical_id]

    def end_of(self, logical_id: str) -> float:
        return self.began + self.finish[logical_id]


#: The schedule of the operation running on each stack, by (account, Region, stack name).
_SCHEDULES: dict[tuple[str, str, str], _Schedule] = {}


def _schedule(template: dict[str, Any], old: dict[str, Any], deleting: bool) -> _Schedule:
    """The schedule of creating or updating to `template` from `old`, or of deleting it."""
    from appstack.estimates.forecast import dependencies

    resources = template.get("Resources", {}) or {}
    graph = {k: list(v) for k, v in dependencies(template).items()}
    before = old.get("Resources", {}) or {}
    weight: dict[str, float] = {}
    for logical_id, resource in resources.items():
        resource_type = str(resource.get("Type", ""))
        if deleting:
            weight[logical_id] = _seconds(resource_type, "delete")
        elif logical_id not in before:
            weight[logical_id] = _seconds(resource_type, "create")
        else:
            same = before[logical_id] == resource
            weight[logical_id] = 0.0 if same else _seconds(resource_type, "update")
    if deleting:  # a resource goes once everything that needs it has gone
        reverse: dict[str, list[str]] = {k: [] for k in graph}
        for node, deps in graph.items():
            for dep in deps:
                reverse.setdefault(dep, []).append(node)
        graph = reverse
    return _Schedule(graph, weight, deleting)


def _schedule_of(resources_map: Any) -> _Schedule | None:
    backend = backend_of(resources_map._account_id, resources_map._region_name)
    stack = backend.stacks.get(resources_map.stack_id)
    if stack is None:
        return None
    return _SCHEDULES.get((stack.account_id, stack.region_name, stack.name))


def _wait_until(moment: float) -> None:
    wait(max(moment - time.monotonic(), 0.0))


class _Operation:
    """A stack operation on its own thread: whether it has started, its result or error."""

    def __init__(self) -> None:
        self.started = False
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None


_current = threading.local()


def wait(seconds: float) -> None:
    """Let `seconds` pass in the operation (the lock given up meanwhile); the request that
    started it answers now."""
    operation: _Operation | None = getattr(_current, "operation", None)
    with LOCK:
        if operation is not None and not operation.started:
            operation.started = True
            LOCK.notify_all()
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            LOCK.wait(left)


def in_background(
    work: Callable[[], Any], on_failure: Callable[[BaseException], None]
) -> Callable[[], Any]:
    """Run `work` on its own thread; the returned function waits (the lock given up) until
    `work` has started waiting or has ended, and answers as the request would: its result,
    or the error it raised before it started."""

    operation = _Operation()

    def run() -> None:
        _current.operation = operation
        with LOCK:
            try:
                operation.result = work()
            except BaseException as exc:  # handed to the request, or recorded on the stack
                operation.error = exc
                if operation.started:
                    on_failure(exc)
            finally:
                operation.done = True
                LOCK.notify_all()

    def answer() -> Any:
        with LOCK:
            thread = threading.Thread(target=run, name="stack-operation", daemon=True)
            thread.start()
            while not (operation.started or operation.done):
                LOCK.wait()
            if operation.done and operation.error is not None and not operation.started:
                raise operation.error
            return operation.result

    return answer


def _event(
    resources_map: Any,
    logical_id: str,
    resource_type: str,
    status: str,
    physical_id: str = "",
    reason: str | None = None,
) -> None:
    """A resource's event, on its stack as the backend lists it (none once the stack is
    gone), and published to the stack's SNS topics."""
    backend = backend_of(resources_map._account_id, resources_map._region_name)
    stack = backend.stacks.get(resources_map.stack_id)
    if stack is None:
        return
    resource_event(
        resources_map, logical_id, resource_type, status, reason, physical_id,
        stack=stack, notify=True,
    )  # fmt: skip


def _timed(action: str, verb: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap moto's create or update of one resource with its events and its duration."""

    def wrap(original: Callable[..., Any]) -> Callable[..., Any]:
        def timed(
            logical_id: str, resource_json: dict[str, Any], resources_map: Any, *a: Any, **kw: Any
        ) -> Any:
            condition = resource_json.get("Condition")
            if condition and not resources_map.lazy_condition_map[condition]:
                return original(logical_id, resource_json, resources_map, *a, **kw)
            resource_type = resource_json.get("Type", "")
            before = resources_map._parsed_resources.get(logical_id)
            plan = _schedule_of(resources_map)
            if plan is not None and logical_id in plan.finish:
                for dep in plan.deps.get(logical_id, []):  # what it needs is made first
                    if dep in resources_map._resource_json_map:
                        resources_map[dep]
                _wait_until(plan.start_of(logical_id))
            _event(
                resources_map,
                logical_id,
                resource_type,
                f"{verb}_IN_PROGRESS",
                physical_id_of(before),
            )
            if plan is not None and logical_id in plan.finish:
                _wait_until(plan.end_of(logical_id))
            else:
                wait(_seconds(resource_type, action))
            try:
                resource = original(logical_id, resource_json, resources_map, *a, **kw)
            except Exception as exc:
                _event(resources_map, logical_id, resource_type, f"{verb}_FAILED", reason=str(exc))
                raise
            _event(
                resources_map,
                logical_id,
                resource_type,
                f"{verb}_COMPLETE",
                physical_id_of(resource),
            )
            return resource

        return timed

    return wrap


def _plan(
    backend: Any, kind: str, stack_name: str | None, args: tuple[Any, ...], kw: dict[str, Any]
) -> _Schedule | None:
    """The schedule of the operation `kind` on stack `stack_name`, called with `args` and
    `kw` (None: its resources take their durations one after the other)."""
    from moto.cloudformation.models import Stack

    stack = find_stack(backend, stack_name)
    old: dict[str, Any] = (stack.template_dict if stack is not None else None) or {}
    try:
        if kind == "DELETE":
            return _schedule(old, {}, deleting=True) if stack is not None else None
        if kind == "EXECUTE":
            change_set_name = args[0] if args else kw["change_set_name"]
            change_set = find_change_set(backend, change_set_name, stack_name)
            if change_set is None:
                return None
            return _schedule(change_set.template_dict, old, deleting=False)
        text = kw.get("template", args[1] if len(args) > 1 else None)
        if not isinstance(text, str):
            return None
        return _schedule(Stack.parse_template(text), {} if kind == "CREATE" else old, False)
    except Exception:  # a template moto will refuse: its operation answers the error
        return None


def _stack_failed(stack_of: Callable[[], Any], kind: str) -> Callable[[BaseException], None]:
    """What an operation that fails after its request was answered leaves: the stack rolled
    back (a create or update) or DELETE_FAILED, with the reason."""

    def failed(exc: BaseException) -> None:
        stack = stack_of()
        if kind == "EXECUTE" or stack is None or not stack.status.endswith("_IN_PROGRESS"):
            return  # the operation recorded its outcome itself
        stack._add_stack_event(f"{kind}_FAILED", resource_status_reason=str(exc))
        stack.status = {"CREATE": "ROLLBACK_COMPLETE", "UPDATE": "UPDATE_ROLLBACK_COMPLETE"}.get(
            kind, "DELETE_FAILED"
        )
        stack._add_stack_event(stack.status)

    return failed


def _time_resource_creates_and_updates() -> None:
    """Each resource made or updated waits its duration between its events."""
    from moto.cloudformation import parsing

    parsing.parse_and_create_resource = _timed("create", "CREATE")(
        parsing.parse_and_create_resource
    )
    parsing.parse_and_update_resource = _timed("update", "UPDATE")(
        parsing.parse_and_update_resource
    )


def _time_resource_deletes() -> None:
    """Each resource deleted waits its duration between its events; one kept by its
    DeletionPolicy reports DELETE_SKIPPED."""
    from moto.cloudformation.parsing import ResourceMap

    delete_resource = ResourceMap._delete_resource

    def _delete_resource(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
        logical_id = getattr(parsed_resource, "logical_resource_id", "")
        resource_type = resource_json.get("Type", "")
        physical_id = physical_id_of(parsed_resource)
        if resource_json.get("DeletionPolicy") in _RETAINED:
            _event(self, logical_id, resource_type, "DELETE_SKIPPED", physical_id)
            delete_resource(self, parsed_resource, resource_json)
            return
        begun: set[str] = self.__dict__.setdefault("_appstack_deleting", set())
        if logical_id not in begun:  # moto retries a delete that meets a dependency
            begun.add(logical_id)
            plan = _schedule_of(self)
            planned = plan is not None and plan.deleting and logical_id in plan.finish
            if plan is not None and planned:
                _wait_until(plan.start_of(logical_id))
            _event(self, logical_id, resource_type, "DELETE_IN_PROGRESS", physical_id)
            if plan is not None and planned:
                _wait_until(plan.end_of(logical_id))
            else:
                wait(_seconds(resource_type, "delete"))
        delete_resource(self, parsed_resource, resource_json)
        begun.discard(logical_id)
        _event(self, logical_id, resource_type, "DELETE_COMPLETE", physical_id)

    setattr(ResourceMap, "_delete_resource", _delete_resource)  # noqa: B010


def _stack_shows_its_operation_in_progress() -> None:
    """While an operation runs, the stack is *_IN_PROGRESS, stays listed while it is deleted,
    and what a describe reads does not create the resources still to come (moto's maps
    create a resource on first read): the resources so far, no outputs."""
    from moto.cloudformation.models import Stack

    add_stack_event = Stack._add_stack_event

    def _add_stack_event(self: Any, resource_status: str, *a: Any, **kw: Any) -> None:
        add_stack_event(self, resource_status, *a, **kw)
        if resource_status.endswith("_IN_PROGRESS"):
            self.status = resource_status  # moto sets the status only when it is done

    setattr(Stack, "_add_stack_event", _add_stack_event)  # noqa: B010

    outputs: Any = vars(Stack)["outputs"]
    stack_resources: Any = vars(Stack)["stack_resources"]

    def outputs_when_done(self: Any) -> Any:
        return None if self.status.endswith("_IN_PROGRESS") else outputs.fget(self)

    def resources_so_far(self: Any) -> Any:
        if not self.status.endswith("_IN_PROGRESS"):
            return stack_resources.fget(self)
        made = self.resource_map._parsed_resources
        return [made[k] for k in self.resource_map._resource_json_map if made.get(k) is not None]

    setattr(Stack, "outputs", property(outputs_when_done))  # noqa: B010
    setattr(Stack, "stack_resources", property(resources_so_far))  # noqa: B010

    stack_delete = Stack.delete

    def delete(self: Any) -> None:
        # moto takes the stack out of its list before deleting it; on AWS it stays visible,
        # DELETE_IN_PROGRESS, until it is gone (moto takes it out again when done).
        backend_of(self.account_id, self.region_name).stacks[self.stack_id] = self
        stack_delete(self)

    setattr(Stack, "delete", delete)  # noqa: B010


def _on_its_own_thread(
    original: Callable[..., Any], kind: str, name_of: Callable[..., str | None]
) -> Callable[..., Any]:
    """The stack operation `original` (of `kind`, on the stack `name_of` its arguments
    name) run on its own thread on its schedule, answering once it has started."""

    def operation(self: Any, *args: Any, **kw: Any) -> Any:
        if not time_scale():
            return original(self, *args, **kw)
        name = name_of(*args, **kw)
        if kind == "EXECUTE" and not name:  # the change set given by its ARN alone
            change_set = find_change_set(self, kw.get("change_set_name") or args[0])
            name = change_set.stack_name if change_set is not None else None

        def stack_of() -> Any:
            return find_stack(self, name)

        existing = find_stack(self, name)  # named by its id, or by its name
        key = (self.account_id, self.region_name, existing.name if existing else str(name))
        plan = _plan(self, kind, name, args, kw)

        def work() -> Any:
            if plan is not None and name:
                _SCHEDULES[key] = plan
            try:
                return original(self, *args, **kw)
            finally:
                if _SCHEDULES.get(key) is plan:
                    _SCHEDULES.pop(key, None)

        result = in_background(work, _stack_failed(stack_of, kind))()
        if result is None and kind in ("CREATE", "UPDATE"):
            return stack_of()  # started: the stack as it is now
        return result

    return operation


def _first_argument(*args: Any, **kw: Any) -> str | None:
    """The stack a create, update or delete names."""
    return args[0] if args else kw.get("name") or kw.get("name_or_stack_id")


def _change_set_stack(*args: Any, **kw: Any) -> str | None:
    """The stack an execute_change_set names, if it names one."""
    return kw.get("stack_name") or (args[1] if len(args) > 1 else None)


def _run_stack_operations_in_background() -> None:
    """Create, update, delete and execute answer once their operation has started."""
    from moto.cloudformation.models import CloudFormationBackend

    for method, kind, name_of in (
        ("create_stack", "CREATE", _first_argument),
        ("update_stack", "UPDATE", _first_argument),
        ("delete_stack", "DELETE", _first_argument),
        ("execute_change_set", "EXECUTE", _change_set_stack),  # fixes record its failure
    ):
        setattr(
            CloudFormationBackend,
            method,
            _on_its_own_thread(getattr(CloudFormationBackend, method), kind, name_of),
        )


@rule(
    "EM207",
    "Stack operations take each resource's typical duration (times APPSTACK_TIME_SCALE), "
    "run after the request, and emit resource events",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html",
)
def install() -> None:
    serialize_requests()
    _time_resource_creates_and_updates()
    _time_resource_deletes()
    _stack_shows_its_operation_in_progress()
    _run_stack_operations_in_background()
