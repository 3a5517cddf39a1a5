"""Classify a base URL: which provider it reaches, whether it is local, and what is wrong with its shape."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional
from urllib.parse import urlsplit

from routelint.catalog.model import Catalog, Provider
from routelint.facts import Value

# interpolated, unknown parts of an f-string or concatenation are written as this marker
HOLE = "{}"
_HOLE_RE = re.compile(r"\{[^{}]*\}")
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass(frozen=True)
class UrlInfo:
    text: str
    is_url: bool
    scheme: str
    host: str  # lower-case, "" when unknown
    port: Optional[int]
    path: str
    has_holes: bool

    @property
    def host_known(self) -> bool:
        return bool(self.host) and HOLE not in self.host


@lru_cache(maxsize=4096)
def parse_url(text: str) -> UrlInfo:
    stripped = text.strip()
    holes = bool(_HOLE_RE.search(stripped))
    normal = _HOLE_RE.sub(HOLE, stripped)
    if not _SCHEME_RE.match(normal):
        return UrlInfo(text, False, "", "", None, "", holes)
    try:
        parts = urlsplit(normal.replace(HOLE, "HOLE0"))
        port = parts.port
    except ValueError:
        return UrlInfo(text, False, "", "", None, "", holes)
    host = (parts.hostname or "").replace("hole0", HOLE)
    path = parts.path.replace("HOLE0", HOLE)
    return UrlInfo(text, bool(host), parts.scheme.lower(), host, port, path, holes)


def is_local_host(host: str) -> bool:
    """localhost, loopback/private/unspecified addresses, *.local, docker's host alias, compose service names."""
    if not host or HOLE in host:
        return False
    host = host.strip("[]")
    if host == "localhost" or host.endswith(".localhost") or host.endswith(".local"):
        return True
    if host in ("host.docker.internal", "gateway.docker.internal"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host  # single-label host: a compose/k8s service name
    return address.is_private or address.is_loopback or address.is_unspecified or address.is_link_local


def _host_matches(host: str, pattern: str) -> bool:
    if pattern.startswith("*"):
        suffix = pattern[1:]
        return host.endswith(suffix) and len(host) > len(suffix)
    return host == pattern


def provider_for_url(catalog: Catalog, text: str) -> Optional[Provider]:
    """The catalog provider a URL reaches, a local-server entry for local hosts, or None if unknown."""
    info = parse_url(text)
    if not info.is_url or not info.host_known:
        # a host with a hole can still match a wildcard (f"https://{region}-aiplatform.googleapis.com")
        if info.is_url and info.host:
            for provider in catalog.providers.values():
                if any(_host_matches(info.host.replace(HOLE, "x"), pattern) for pattern in provider.hosts if pattern.startswith("*")):
                    return provider
        return None
    for provider in catalog.providers.values():
        if any(_host_matches(info.host, pattern) for pattern in provider.hosts):
            return provider
    if is_local_host(info.host):
        return local_provider(catalog, info)
    return None


def local_provider(catalog: Catalog, info: UrlInfo) -> Optional[Provider]:
    fallback = None
    for provider in catalog.providers.values():
        if not provider.is_local:
            continue
        if info.host in provider.local_names or any(info.host.startswith(name + "-") for name in provider.local_names):
            return provider
        if info.port is not None and info.port in provider.local_ports:
            fallback = fallback or provider
    if fallback is not None:
        return fallback
    return catalog.providers.get("local")


@dataclass(frozen=True)
class UrlProblem:
    message: str
    suggestion: Optional[str]  # the base URL that would work, when unambiguous


def endpoint_of_url(catalog: Catalog, url: Value) -> Optional[str]:
    """The endpoint a raw HTTP request to `url` calls (`.../chat/completions` -> `chat.completions.create`),
    by the catalog's endpoint paths: one reading for every frontend (Python, JS/TS)."""
    if url.text is None:
        return None
    path = url.text.split("?", 1)[0].rstrip("/")
    for suffix, endpoint in sorted(catalog.endpoint_paths.items(), key=lambda item: -len(item[0])):
        if path.endswith(suffix):
            return endpoint
    return None


def endpoint_suffix(catalog: Catalog, path: str) -> Optional[str]:
    trimmed = path.rstrip("/")
    for suffix in catalog.endpoint_suffixes:
        if trimmed.endswith(suffix):
            return suffix
    return None


def sdk_base_url_problems(catalog: Catalog, text: str, provider: Optional[Provider]) -> list[UrlProblem]:
    """Why a value handed to an OpenAI-style SDK as its base URL cannot work (RL102)."""
    info = parse_url(text)
    if not info.is_url:
        if info.has_holes and HOLE in text[:3]:
            return []  # starts with an interpolation: the scheme and host are not ours to judge
        if _HOLE_RE.sub("", text).strip() == "":
            return []
        return [UrlProblem("is not a URL (no scheme and host)", None)]  # the message quotes the text already
    problems: list[UrlProblem] = []
    local = provider.is_local if provider else is_local_host(info.host)
    suggestion = suggest_base_url(catalog, info, provider)
    if info.scheme == "http" and info.host_known and not local:
        problems.append(UrlProblem(f"uses http:// to the non-local host {info.host}", suggestion))
    if info.scheme not in ("http", "https"):
        problems.append(UrlProblem(f"uses the scheme {info.scheme}:// where an SDK needs https://", suggestion))
    suffix = endpoint_suffix(catalog, info.path)
    if suffix:
        problems.append(UrlProblem(f"ends with the endpoint path {suffix}, which the SDK appends itself", suggestion))
    elif provider and provider.base_path and not provider.base_path_optional and not info.has_holes:
        if not _path_has_prefix(info.path, provider.base_path):
            problems.append(UrlProblem(f"is missing {provider.base_path} that {provider.name} needs", suggestion))
    return problems


def native_root_problems(text: str, label: str) -> list[UrlProblem]:
    """A native API client (LiteLLM's `ollama/`) wants the host root: a path such as /v1 breaks it."""
    info = parse_url(text)
    if not info.is_url or info.has_holes or info.path.strip("/") == "":
        return []
    root = f"{info.scheme}://{info.host}" + (f":{info.port}" if info.port is not None else "")
    return [UrlProblem(f"has the path {info.path.rstrip('/')}, but {label} wants the host root", root)]


def _path_has_prefix(path: str, prefix: str) -> bool:
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    return path == prefix or path.startswith(prefix + "/")


def suggest_base_url(catalog: Catalog, info: UrlInfo, provider: Optional[Provider]) -> Optional[str]:
    """The URL with the endpoint path dropped, the required segment added and https for remote hosts."""
    if not info.is_url or info.has_holes:
        return None
    scheme = info.scheme
    if scheme != "https" and not (provider and provider.is_local) and not is_local_host(info.host):
        scheme = "https"
    path = re.sub(r"/{2,}", "/", info.path)
    suffix = endpoint_suffix(catalog, path)
    if suffix:
        path = path.rstrip("/")[: -len(suffix)]
    if provider and provider.base_path and not provider.base_path_optional and not _path_has_prefix(path, provider.base_path):
        bare = path.rstrip("/")
        if bare == "" or provider.base_path.startswith(bare + "/"):
            path = provider.base_path
        elif provider.canonical_base_url and parse_url(provider.canonical_base_url).host == info.host:
            return provider.canonical_base_url
        else:
            return None
    trailing = "/" if info.path.endswith("/") or (provider and provider.canonical_base_url or "").endswith("/") and path == (provider.base_path if provider else "") else ""
    netloc = info.host if info.port is None else f"{info.host}:{info.port}"
    if ":" in info.host and not info.host.startswith("["):
        netloc = f"[{info.host}]" + (f":{info.port}" if info.port is not None else "")
    result = f"{scheme}://{netloc}{path.rstrip('/')}{trailing}"
    return None if result == info.text.strip() else result

