#!/usr/bin/python3
"""A list+watch round against lucent-sandbox with Debian's python3-kubernetes client.

A second, independent client (besides kubectl): the sandbox must satisfy the generated
OpenAPI client's decoding of lists, watch events and resource versions.
usage: python_client_list_watch.py PATH_TO_LUCENT_SANDBOX
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from kubernetes import client, config, watch


def start_sandbox(binary, directory):
    kubeconfig = os.path.join(directory, "kubeconfig")
    process = subprocess.Popen([binary, "--port", "0", "--speed", "20", "--tls", "--kubeconfig-out", kubeconfig],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not re.search(r"listening on https://127\.0\.0\.1:\d+", line):
        process.kill()
        raise SystemExit("the sandbox did not start: " + line + process.stderr.read())
    return process, kubeconfig


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as directory:
        process, kubeconfig = start_sandbox(binary, directory)
        try:
            config.load_kube_config(config_file=kubeconfig, context="production")
            apps = client.AppsV1Api()
            listed = apps.list_namespaced_deployment("lucent-platform")
            names = sorted(d.metadata.name for d in listed.items)
            assert "user-service" in names and "redis" in names and len(names) == 9, names
            rv = listed.metadata.resource_version
            assert rv and int(rv) > 0, rv

            # A change after the list: the watch from the list's resourceVersion must deliver it,
            # whenever the watch connects (no race, so no sleep).
            apps.patch_namespaced_deployment("user-service", "lucent-platform",
                                             {"metadata": {"labels": {"watched-by": "python"}}})

            seen = None
            stream = watch.Watch()
            for event in stream.stream(apps.list_namespaced_deployment, "lucent-platform",
                                       resource_version=rv, timeout_seconds=10):
                obj = event["object"]
                if event["type"] == "MODIFIED" and (obj.metadata.labels or {}).get("watched-by") == "python":
                    seen = obj
                    stream.stop()
            assert seen is not None, "no MODIFIED event with the new label arrived"
            assert int(seen.metadata.resource_version) > int(rv)
            assert seen.spec.template.spec.containers[0].name == "user-service"

            # The sandbox may still be starting the pods: watch until all three are there.
            core = client.CoreV1Api()
            selector = "app in (user-service)"
            pods = core.list_namespaced_pod("lucent-platform", label_selector=selector)
            pod_names = {pod.metadata.name for pod in pods.items}
            if len(pod_names) < 3:
                stream = watch.Watch()
                for event in stream.stream(core.list_namespaced_pod, "lucent-platform", label_selector=selector,
                                           resource_version=pods.metadata.resource_version, timeout_seconds=30):
                    if event["type"] == "ADDED":
                        pod_names.add(event["object"].metadata.name)
                    elif event["type"] == "DELETED":
                        pod_names.discard(event["object"].metadata.name)
                    if len(pod_names) >= 3:
                        stream.stop()
            assert len(pod_names) == 3, sorted(pod_names)

            # Server-side apply through the generated client's ApiClient (its typed patch methods
            # choose the patch type themselves; JSON is YAML): create, then a second manager that sets another
            # value conflicts, and force takes the field over.
            def server_side_apply(body, manager, force=False):
                query = [("fieldManager", manager)] + ([("force", "true")] if force else [])
                return core.api_client.call_api(
                    "/api/v1/namespaces/lucent-platform/configmaps/applied-by-python", "PATCH",
                    query_params=query, body=json.dumps(body), response_type="V1ConfigMap", auth_settings=["BearerToken"],
                    header_params={"Content-Type": "application/apply-patch+yaml", "Accept": "application/json"},
                    _return_http_data_only=True)

            intent = {"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"name": "applied-by-python", "namespace": "lucent-platform"},
                      "data": {"LOG_LEVEL": "debug"}}
            server_side_apply(intent, "python-ssa")
            intent["data"]["LOG_LEVEL"] = "warn"
            try:
                server_side_apply(intent, "python-other")
                raise AssertionError("a conflicting server-side apply was accepted")
            except client.exceptions.ApiException as e:
                assert e.status == 409 and 'conflict with \\"python-ssa\\"' in e.body, e.body
            applied = server_side_apply(intent, "python-other", force=True)
            assert applied.data == {"LOG_LEVEL": "warn"}, applied.data
            managers = {(m.manager, m.operation) for m in applied.metadata.managed_fields}
            assert managers == {("python-other", "Apply")}, managers

            print("python3-kubernetes %s: list of %d deployments at resourceVersion %s, watch saw MODIFIED at %s"
                  % (__import__("kubernetes").__version__, len(names), rv,
                     seen.metadata.resource_version))
            print("list+watch round and server-side apply passed")
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
