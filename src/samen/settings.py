"""One ``Settings``, read from ``SAMEN_*`` environment variables (or a ``--config`` file)."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_TENANT = Path(__file__).parent / "demo"
# The demo's identity-token secret is public on purpose: the demo site signs tokens for its
# fictional customers with it. A real tenant sets its own SAMEN_IDENTITY_SECRET.
DEMO_IDENTITY_SECRET = "polderlink-demo-identity-secret"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("samen", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAMEN_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    shared_ports: bool = Field(
        default=False,
        description="Set by `samen serve --workers N`: the HTTP and SMTP ports are shared with "
        "sibling workers (SO_REUSEPORT), the kernel spreading connections over them.",
    )
    public_url: str | None = Field(
        default=None, description="How customers and agents reach this server, for links."
    )
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in the data dir."
    )
    database_pool_size: int = Field(
        default=20,
        ge=1,
        le=500,
        description="PostgreSQL connections each process keeps open; requests beyond wait for one.",
    )
    redis_url: str | None = Field(default=None, description="Enables realtime across processes.")
    tenant_dir: Path = Field(default=DEMO_TENANT, description="The tenant's configuration folder.")
    models_dir: Path | None = Field(default=None, description="Trained models; default: data dir.")
    secret_key: str | None = Field(default=None, description="Signs sessions; generated if absent.")
    identity_secret: str | None = Field(
        default=None, description="Shared with the company's site, which signs identity tokens."
    )
    parse_process: bool = Field(
        default=True,
        description="Understand messages in a process of their own (about 450 MB more), so that "
        "parsing never holds up the server's other requests; off: in a thread of the server.",
    )
    max_request_bytes: int = Field(
        default=256_000, ge=1024, description="The largest request body; voicemails have their own."
    )
    voicemail_max_bytes: int = Field(
        default=20_000_000,
        ge=1024,
        description="The largest voicemail upload (about 10 minutes of 16 kHz 16-bit mono WAV); "
        "speech-to-text hears as many seconds of any recording as such a WAV holds.",
    )
    messages_per_window: int = Field(default=20, ge=1)
    message_window_seconds: float = Field(default=10.0, gt=0)

    email_inbound_port: int | None = None
    email_imap_url: str | None = None
    email_outbound_url: str | None = None
    email_address: str | None = None

    twilio_auth_token: str | None = None
    llm_url: str | None = Field(
        default=None, description="An OpenAI-compatible endpoint: knowledge answers written by it."
    )
    llm_model: str = "default"
    llm_api_key: str | None = None
    llm_timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator("data_dir", "tenant_dir", "models_dir", mode="before")
    @classmethod
    def _expand(cls, value: object) -> object:
        return Path(str(value)).expanduser() if value is not None else value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'samen.db'}"

    @property
    def effective_models_dir(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    def resolved_identity_secret(self) -> str | None:
        """The identity-token secret: the configured one, the demo's for the demo, else none
        (then every identity token is refused)."""
        if self.identity_secret:
            return self.identity_secret
        if self.tenant_dir.resolve() == DEMO_TENANT.resolve():
            return DEMO_IDENTITY_SECRET
        return None

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        import secrets

        path = self.data_dir / "secret.key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key
