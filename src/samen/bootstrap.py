"""The composition root: settings → adapters → services. Nothing is built at import time."""

from __future__ import annotations

import asyncio
import importlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from samen.channels.registry import ChannelRegistry
from samen.clock import Clock, SystemClock
from samen.conversations.handler import ConversationHandler
from samen.conversations.limits import MemoryTally, Tally
from samen.conversations.privacy import CustomerPrivacy
from samen.conversations.service import ConversationService
from samen.errors import ConfigError
from samen.realtime.memory import InProcessBroker
from samen.realtime.ports import Broker
from samen.settings import Settings
from samen.storage.database import create_engine, upgrade
from samen.storage.privacy import SqlCustomerRecords
from samen.storage.repositories import SqlStore
from samen.tenant import Tenant

if TYPE_CHECKING:
    from samen.bot.connectors import Backend
    from samen.bot.generation import AnswerWriter
    from samen.bot.knowledge import KnowledgeBase
    from samen.bot.library import KnowledgeLibrary
    from samen.bot.live import LiveKnowledge
    from samen.brain import Brain
    from samen.nlu.embeddings import Encoder
    from samen.nlu.store import ModelStore

log = logging.getLogger(__name__)


@dataclass
class Container:
    settings: Settings
    tenant: Tenant
    clock: Clock
    store: SqlStore
    broker: Broker
    channels: ChannelRegistry
    conversations: ConversationService
    extras: dict[str, Any] = field(default_factory=dict)

    async def aclose(self) -> None:
        for closer in reversed(self.extras.get("closers", [])):
            await closer()
        await self.broker.close()
        await self.store.engine.dispose()


def make_tally(settings: Settings, clock: Clock, extras: dict[str, Any]) -> Tally:
    """Rate-limit counts: in Redis when processes share one, else in this process."""
    if settings.redis_url:
        from samen.realtime.redis import RedisTally

        shared = RedisTally(settings.redis_url)
        extras.setdefault("closers", []).append(shared.close)
        tally: Tally = shared
    else:
        tally = MemoryTally(lambda: clock.now().timestamp())
    extras["tally"] = tally  # shared with the login throttle
    return tally


def make_broker(settings: Settings) -> Broker:
    if settings.redis_url:
        from samen.realtime.redis import RedisBroker

        return RedisBroker(settings.redis_url)
    return InProcessBroker()


async def build(
    settings: Settings,
    *,
    handler: ConversationHandler | None = None,
    clock: Clock | None = None,
    migrate: bool = True,
) -> Container:
    """Build every service from settings. ``handler`` replaces the brain (tests use a fake)."""
    clock = clock or SystemClock()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    tenant = Tenant.load(settings.tenant_dir)
    engine = create_engine(settings.effective_database_url, pool_size=settings.database_pool_size)
    if migrate:
        await upgrade(engine)
    store = SqlStore(engine)
    broker = make_broker(settings)
    channels = ChannelRegistry()
    extras: dict[str, Any] = {
        "knowledge": await open_knowledge(tenant, store, clock),
        # Customers' export and erasure requests (the admin API; the CLI builds its own).
        "privacy": CustomerPrivacy(SqlCustomerRecords(store), clock),
    }
    if handler is None:
        brain = await build_brain(settings, tenant, store, clock, extras)
        _one_blas_thread()  # after the model is loaded: its libraries are known only then
        extras["brain"] = brain
        handler = brain
        wire_knowledge(extras, brain)
    conversations = ConversationService(
        store,
        handler,
        broker,
        channels,
        clock,
        message_rate=(settings.messages_per_window, settings.message_window_seconds),
        tally=make_tally(settings, clock, extras),
    )
    container = Container(settings, tenant, clock, store, broker, channels, conversations, extras)
    await build_agents(container)
    if settings.email_inbound_port or settings.email_imap_url or settings.email_outbound_url:
        from samen.channels.email.adapter import attach_email

        attach_email(container)  # registers "email"; starts and stops with the web app
    from samen.channels.voice.adapter import attach_voice

    attach_voice(container)  # Twilio webhooks always; speech loads on the first audio
    return container


def _one_blas_thread() -> None:
    """A server parses many small messages at once: one BLAS/OpenMP thread per call.

    With the default (a thread per core) every tiny matrix product wakes a second thread that
    spins while it waits; measured on 2 cores, a message cost 35 ms of CPU instead of 12. The
    limit holds for the whole process (training a model is a CLI job in its own process) and
    covers the libraries loaded so far, so it runs once the model is loaded.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


async def build_agents(container: Container) -> None:
    """The people side (accounts, desk, assignment, assist) as ``extras["agents"]``."""
    from samen.agents.service import AgentServices
    from samen.settings import DEMO_TENANT
    from samen.storage.corrections import SqlCorrections
    from samen.storage.people import SqlPeople

    brain: Brain | None = container.extras.get("brain")
    agents = AgentServices.create(
        SqlPeople(container.store),
        SqlCorrections(container.store.engine),
        container.conversations,
        container.tenant,
        container.clock,
        container.settings.resolved_secret_key(),
        estimator=brain.queues if brain else None,
        knowledge=brain.bot.knowledge if brain else None,
        backend=brain.bot.kit.backend if brain else None,
        intents=(lambda: brain.understanding.model.classifier.classes) if brain else None,
        tally=container.extras.get("tally"),
    )
    if container.settings.tenant_dir.resolve() == DEMO_TENANT.resolve():
        from samen.demo.users import DEMO_USERS

        await agents.seed(DEMO_USERS)
    container.extras["agents"] = agents
    container.extras.setdefault("startups", []).append(agents.assigner.start)
    container.extras.setdefault("shutdowns", []).append(agents.assigner.stop)


async def build_brain(
    settings: Settings, tenant: Tenant, store: SqlStore, clock: Clock, extras: dict[str, Any]
) -> Brain:
    """Understanding, routing, the bot and its connector, from the tenant's folder."""
    from samen.bot.dialogue import Bot
    from samen.bot.flowkit import FlowKit
    from samen.bot.texts import Texts
    from samen.brain import Brain
    from samen.nlu.language import LanguageDetector
    from samen.nlu.pipeline import Understanding
    from samen.nlu.runtime import warm_up
    from samen.routing.engine import RoutingEngine
    from samen.routing.policy import Policy
    from samen.routing.queues import QueueEstimator

    models = await ensure_model(settings, tenant)
    understanding = Understanding(models.current, LanguageDetector(tenant.languages), clock)
    warm_up(understanding)
    parse = None
    if settings.parse_process:
        from samen.nlu.process import ParseProcess

        process = ParseProcess(models.root, tenant.languages, clock, fallback=understanding)
        try:
            await process.start()
        except Exception:
            # Slower, but answering: parse in a thread of this process.
            log.exception("the parse process did not start; parsing in the server's process")
        else:
            extras.setdefault("closers", []).append(process.close)
            parse = process.parse_many
    policy = Policy.load(tenant.path("routing.yml"), set(tenant.queues))
    texts = Texts.load(tenant.path("texts.yml"), tenant.default_language)
    knowledge, live = await load_knowledge(store, models.encoder)
    backend = await connect_backend(settings, tenant, store, clock)
    kit = FlowKit(texts, backend, clock, tenant.zone)
    queues = QueueEstimator(store, clock, {q.name: q.capacity for q in tenant.queues.values()})
    return Brain(
        understanding,
        RoutingEngine(policy),
        Bot(kit, knowledge, live, answer_writer(settings)),
        texts,
        tenant,
        store,
        clock,
        queues,
        parse=parse,
    )


async def open_knowledge(tenant: Tenant, store: SqlStore, clock: Clock) -> KnowledgeLibrary:
    """The knowledge base in the database; on a database that never held articles, the tenant's
    ``knowledge/`` folder is imported first (afterwards the database is the source of truth)."""
    from samen.bot.library import KnowledgeLibrary
    from samen.storage.articles import SqlArticles

    library = KnowledgeLibrary(SqlArticles(store), clock, tenant.languages)
    if await library.seed(tenant.path("knowledge")):
        log.info("Knowledge base imported from %s.", tenant.path("knowledge"))
    return library


async def load_knowledge(store: SqlStore, encoder: Encoder) -> tuple[KnowledgeBase, LiveKnowledge]:
    """The bot's index over the stored articles, and what keeps it in step with them."""
    from samen.bot.knowledge import KnowledgeBase
    from samen.bot.live import LiveKnowledge
    from samen.storage.articles import SqlArticles

    articles = SqlArticles(store)
    revision = await articles.revision()
    stored = [s.article for s in await articles.all()]
    knowledge = await asyncio.to_thread(KnowledgeBase.from_articles, stored, encoder)
    return knowledge, LiveKnowledge(knowledge, articles, revision)


def answer_writer(settings: Settings) -> AnswerWriter | None:
    """The generative mode's writer when ``SAMEN_LLM_URL`` is set; off otherwise."""
    if not settings.llm_url:
        return None
    from samen.bot.generation import OpenAiCompatibleWriter

    return OpenAiCompatibleWriter(
        settings.llm_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        timeout=settings.llm_timeout_seconds,
    )


def wire_knowledge(extras: dict[str, Any], brain: Brain) -> None:
    """Edits through the library re-index this process's bot at once; the writer's connections
    close with the container."""
    if brain.bot.live is not None:
        extras["knowledge"].on_change(brain.bot.live.reload)
    writer = brain.bot.writer
    close = getattr(writer, "aclose", None)
    if close is not None:
        extras.setdefault("closers", []).append(close)


async def ensure_model(settings: Settings, tenant: Tenant) -> ModelStore:
    """The model store, with a model trained from the tenant's data if there is none yet."""
    from samen.nlu.runtime import model_store
    from samen.nlu.train import train_model
    from samen.nlu.training_data import load_many

    store = model_store(settings)
    if store.current_version() is None:
        files = sorted((tenant.root / "nlu").glob("train*.yml"))
        log.warning(
            "No understanding model yet: training one from %d files (about a minute).", len(files)
        )
        data = load_many(files)
        model = await asyncio.to_thread(train_model, data, store.encoder)
        store.save(model)
    return store


async def connect_backend(
    settings: Settings, tenant: Tenant, store: SqlStore, clock: Clock
) -> Backend:
    if not tenant.connector:
        raise ConfigError("no_connector", "The tenant's tenant.yml names no connector.")
    module_name, _, attribute = tenant.connector.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            "no_connector", f"Cannot load the connector '{tenant.connector}'."
        ) from exc
    backend: Backend = await factory(settings, store.engine, clock)
    return backend
