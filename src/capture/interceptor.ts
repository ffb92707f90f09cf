/**
 * The Python module `telemetry capture` puts first on the PYTHONPATH of the kedro it runs, as `sitecustomize`, which
 * Python imports at start-up before kedro. It records every request to kedro-telemetry's collector and answers it
 * with a success, so that nothing is sent whatever the release's transport:
 * - `requests` (every kedro-telemetry release posts with it): its HTTPAdapter.send is replaced, for the collector's
 *   host only, by a recorder; any other request goes to the real transport untouched.
 * - any other transport: the collector's host name does not resolve (socket.getaddrinfo), so a connection cannot
 *   even start; the attempt is recorded as blocked.
 * Unless nodes are to run, the runner's `run` returns at once: the session, the catalog, the pipelines and every hook
 * before and after it behave as in a real run, and no node is computed. Then the user's own `sitecustomize`, if any,
 * is loaded as Python would have loaded it. It writes only to the capture file the environment names: the requests,
 * and first what the interpreter is (sys.version, sys.platform, the folders it imports from), for the preview.
 */
export const INTERCEPTOR_MODULE = 'sitecustomize'

export const INTERCEPTOR_SOURCE = String.raw`"""kedro-consent capture (telemetry capture): records kedro-telemetry's requests instead of sending them."""
import base64
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import socket
import sys

_CAPTURE_FILE = os.environ.get("KEDRO_CONSENT_CAPTURE_FILE", "")
_RUN_NODES = os.environ.get("KEDRO_CONSENT_RUN_NODES") == "1"
_HERE = os.path.dirname(os.path.abspath(__file__))
_COLLECTOR_HOSTS = ("heapanalytics.com",)


def _is_collector(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = (host or "").lower().rstrip(".")
    return any(host == name or host.endswith("." + name) for name in _COLLECTOR_HOSTS)


def _record(entry):
    if not _CAPTURE_FILE:
        return
    entry["pid"] = os.getpid()
    with open(_CAPTURE_FILE, "a", encoding="utf-8") as capture:
        capture.write(json.dumps(entry) + "\n")


def _body_bytes(body):
    if body is None:
        return b""
    if isinstance(body, str):
        try:
            return body.encode("latin-1")  # what http.client sends for a str body
        except UnicodeEncodeError:
            return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    return repr(body).encode("utf-8")


def _patch_requests(adapters):
    from urllib.parse import urlsplit

    from requests.models import Response

    original = adapters.HTTPAdapter.send

    def send(self, request, *args, **kwargs):
        if not _is_collector(urlsplit(request.url).hostname):
            return original(self, request, *args, **kwargs)
        _record({
            "body": base64.b64encode(_body_bytes(request.body)).decode("ascii"),
            "headers": [[str(name), str(value)] for name, value in request.headers.items()],
            "method": request.method,
            "transport": "requests",
            "url": request.url,
        })
        response = Response()
        response.status_code = 200
        response.reason = "OK"
        response._content = b""
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    adapters.HTTPAdapter.send = send


def _patch_runner(runner):
    def run(self, *args, **kwargs):
        return {}

    runner.AbstractRunner.run = run


class _AfterImport(importlib.abc.MetaPathFinder):
    """Changes a module right after it is first imported, however it is found."""

    def __init__(self, patches):
        self.patches = patches

    def find_spec(self, name, path=None, target=None):
        patch = self.patches.get(name)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader = spec.loader
        execute = loader.exec_module

        def exec_module(module):
            execute(module)
            patch(module)

        loader.exec_module = exec_module
        return spec


_patches = {"requests.adapters": _patch_requests}
if not _RUN_NODES:
    _patches["kedro.runner.runner"] = _patch_runner
sys.meta_path.insert(0, _AfterImport(_patches))

_getaddrinfo = socket.getaddrinfo


def _guarded_getaddrinfo(host, *args, **kwargs):
    if _is_collector(host):
        _record({"blocked": True, "host": host if isinstance(host, str) else host.decode("ascii", "replace"), "transport": "other"})
        raise socket.gaierror(socket.EAI_NONAME, "telemetry capture: the collector is not reachable from a capture; nothing is sent")
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _guarded_getaddrinfo


def _load_users_sitecustomize():
    """The sitecustomize this one stands in front of, as Python would have imported it."""
    here = os.path.normcase(_HERE)
    sys.path[:] = [entry for entry in sys.path if os.path.normcase(os.path.abspath(entry or ".")) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", sys.path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


_record({
    "interpreter": {
        "executable": sys.executable,
        "path": [entry for entry in sys.path if entry and os.path.isdir(entry) and os.path.normcase(os.path.abspath(entry)) != os.path.normcase(_HERE)],
        "platform": sys.platform,
        "version": sys.version,
    },
})
_load_users_sitecustomize()
`
