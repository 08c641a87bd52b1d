"""No import cycles in vpdt, between modules (a package and its own modules included) or between apps: the
import-linter contracts (``lint-imports``) check the layers and the siblings of each package; this checks every
module, lazy imports inside functions counted as imports."""

from collections import defaultdict

import grimp

ROOT = "vpdt"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _graph():
    graph = grimp.build_graph(ROOT, cache_dir=None)
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def test_no_module_imports_itself_back():
    assert _cycles(_graph()) == []


def test_no_two_apps_import_each_other_even_indirectly():
    apps = defaultdict(set)
    for module, imported in _graph().items():
        app = module.split(".")[1] if "." in module else module
        apps[app] |= {m.split(".")[1] if "." in m else m for m in imported} - {app}
    assert _cycles(dict(apps)) == []
