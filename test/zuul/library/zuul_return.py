#!/usr/bin/python3
# A stand-in for Zuul's own zuul_return module, for kroll's playbook test only: it merges `data`
# into the results file the executor would read (ZUUL_JOBDIR/work/results.json), as Zuul does,
# so the test can assert what a build page would show.
import json
import os

from ansible.module_utils.basic import AnsibleModule


def merge(a, b):
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict):
            merge(a[k], v)
        else:
            a[k] = v
    return a


def main():
    module = AnsibleModule(argument_spec=dict(data=dict(type="dict", required=True)))
    path = os.path.join(os.environ["ZUUL_JOBDIR"], "work", "results.json")
    current = {}
    if os.path.exists(path):
        with open(path) as f:
            current = json.load(f)
    merge(current, module.params["data"])
    with open(path, "w") as f:
        json.dump(current, f, indent=1)
    module.exit_json(changed=True)


if __name__ == "__main__":
    main()
