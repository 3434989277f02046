//! Per-request DataLoaders: every relation is batched, and every loader applies the actor's scope.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::actor::{Actor, Scope};
use crate::context::AppContext;
use crate::entity::{
    activity, activity_organiser, activity_participant, activity_participant_count, cadre_role,
    commitment, family, family_member, household, organisation, person, programme,
    programme_target, region,
};
use crate::records::{Reader, Record};
use crate::store;

pub use crate::error::LoadError;

/// A loader's error from any catalogued error. A database error is kept as it is, so that the
/// field's error is as precise as a resolver's ([`crate::error::internal`]): `UNAVAILABLE` for a
/// database out of reach, `QUERY_TOO_COMPLEX` for a statement cancelled at its timeout,
/// `INTERNAL` otherwise; any other error keeps its code, field and message
/// (`RESULT_OUT_OF_RANGE` from a Region facet's total, say).
pub fn load_error<E: crate::error::HasCode>(e: E) -> LoadError {
    match e.into_db() {
        Ok(d) => LoadError::Db(Arc::new(d)),
        Err(other) => LoadError::Coded(crate::error::to_gql(other)),
    }
}

/// Regions by code, visible in the actor's scope.
pub struct RegionLoader {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<String> for RegionLoader {
    type Value = region::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, region::Model>, LoadError> {
        let rows = store::regions_by_code(&self.db, &self.scope, keys)
            .await
            .map_err(load_error)?;
        Ok(rows.into_iter().map(|r| (r.code.clone(), r)).collect())
    }
}

/// Each region's latest recorded population (region reference data).
pub struct PopulationLoader {
    db: DatabaseConnection,
}

impl Loader<String> for PopulationLoader {
    type Value = crate::entity::region_population::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, crate::entity::region_population::Model>, LoadError> {
        let rows = store::latest_populations(&self.db, keys, None)
            .await
            .map_err(load_error)?;
        Ok(rows
            .into_iter()
            .map(|r| (r.region_code.clone(), r))
            .collect())
    }
}

/// One page of a region's children: parent code, the code to start after, and page size + 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChildrenKey {
    /// The parent region code.
    pub parent: String,
    /// Start after this child code.
    pub after: Option<String>,
    /// Rows to fetch (page size plus one).
    pub limit: u64,
}

/// Children pages of many parents in one windowed query.
pub struct ChildrenLoader {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<ChildrenKey> for ChildrenLoader {
    type Value = Vec<region::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ChildrenKey],
    ) -> Result<HashMap<ChildrenKey, Vec<region::Model>>, LoadError> {
        // Keys asking for the same page shape share one query.
        let mut shapes: HashMap<(Option<String>, u64), Vec<String>> = HashMap::new();
        for k in keys {
            shapes
                .entry((k.after.clone(), k.limit))
                .or_default()
                .push(k.parent.clone());
        }
        let mut out = HashMap::new();
        for ((after, limit), parents) in shapes {
            let pages =
                store::children_pages(&self.db, &self.scope, &parents, after.as_deref(), limit)
                    .await
                    .map_err(load_error)?;
            for (parent, rows) in pages {
                out.insert(
                    ChildrenKey {
                        parent,
                        after: after.clone(),
                        limit,
                    },
                    rows,
                );
            }
        }
        Ok(out)
    }
}

/// A region facet request (`Region.<domain>(period)`): a region code and a period. Every
/// domain's facet loader is keyed by it and answers a page of regions in batches
/// ([`FacetKey::batches`]), a fixed number of statements per batch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FacetKey {
    /// The region code.
    pub code: String,
    /// First day of the period.
    pub from: chrono::NaiveDate,
    /// Last day of the period.
    pub to: chrono::NaiveDate,
}

/// Facet keys of one period and one region level: what one batch of facet statements covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetBatch {
    /// First day of the period.
    pub from: chrono::NaiveDate,
    /// Last day of the period.
    pub to: chrono::NaiveDate,
    /// The length of the codes (the level: 2, 5, 8 or 13).
    pub len: usize,
    /// The region codes, in code order.
    pub codes: Vec<String>,
}

impl FacetKey {
    /// Splits a loader's keys into batches of one period and one region level (in a stable
    /// order), so that a page of regions costs the same statements as one region.
    pub fn batches(keys: &[FacetKey]) -> Vec<FacetBatch> {
        let mut groups: std::collections::BTreeMap<
            (chrono::NaiveDate, chrono::NaiveDate, usize),
            Vec<String>,
        > = Default::default();
        for k in keys {
            groups
                .entry((k.from, k.to, k.code.len()))
                .or_default()
                .push(k.code.clone());
        }
        groups
            .into_iter()
            .map(|((from, to, len), mut codes)| {
                codes.sort();
                codes.dedup();
                FacetBatch {
                    from,
                    to,
                    len,
                    codes,
                }
            })
            .collect()
    }
}

/// Rows of `E` by primary key, through the request's [`Reader`] (scope, access rule, audit).
pub struct ById<E: Record> {
    reader: Reader,
    _e: std::marker::PhantomData<fn() -> E>,
}

impl<E: Record> ById<E> {
    /// The loader of `E` for `reader`'s actor.
    pub fn new(reader: Reader) -> Self {
        ById {
            reader,
            _e: std::marker::PhantomData,
        }
    }
}

impl<E: Record> Loader<Uuid> for ById<E> {
    type Value = E::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, E::Model>, LoadError> {
        let rows = self.reader.by_ids::<E>(keys).await.map_err(load_error)?;
        Ok(rows.into_iter().map(|m| (E::id_of(&m), m)).collect())
    }
}

/// Rows of `E` grouped by a foreign key (one-to-many), in id order, through the request's
/// [`Reader`]: rows outside the actor's scope are left out and personal rows are audited.
pub struct ByParent<E: Record> {
    reader: Reader,
    fk_col: E::Column,
    fk_of: fn(&E::Model) -> Uuid,
}

impl<E: Record> Loader<Uuid> for ByParent<E> {
    type Value = Vec<E::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<E::Model>>, LoadError> {
        let rows = self
            .reader
            .by_parent::<E>(self.fk_col, keys)
            .await
            .map_err(load_error)?;
        let mut out: HashMap<Uuid, Vec<E::Model>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for r in rows {
            out.entry((self.fk_of)(&r)).or_default().push(r);
        }
        Ok(out)
    }
}

/// A request's DataLoader for `loader`, whose batches start only once their request has
/// asked for every key it can.
///
/// async-graphql's loader waits a fixed time (1 ms) after the first key and then loads the
/// keys it has. Under load the request's own task is often queued longer than that between
/// two of its passes over a list, so a page of 31 posts loaded their holdings in 5.4
/// statements on average and their holders in 7.2 (`bench/README.md`, "Read path"). Inside
/// [`drive`] (the gateway runs every operation in it) a batch is not spawned: it is queued on
/// the request, and the request starts its queued batches only when its execution cannot go
/// on without them (it returned `Pending` without waking itself). A batch therefore holds every
/// key its level of the query asks for, however busy the machine is: statements per operation
/// are a function of the query, not of the load. Outside [`drive`] (tools, tests calling the
/// schema directly) a batch is spawned on tokio after one yield.
pub fn batched<L>(loader: L) -> DataLoader<L>
where
    L: Send + Sync + 'static,
{
    DataLoader::new(loader)
}

/// Starts a batch: queued on the request being driven, else spawned after one yield.
fn schedule(task: futures_util::future::BoxFuture<'static, ()>) {
    if let Some(task) = drive::queue(task) {
        tokio::spawn(async move {
            tokio::task::yield_now().await;
            task.await;
        });
    }
}

pub use dataloader::DataLoader;

/// The request's loader of one relation: async-graphql's [`Loader`] trait, with batches
/// scheduled by [`drive`].
///
/// async-graphql's `DataLoader` keeps, for every `load_one`, a set of its keys, a channel and a
/// map of its values, and takes its batch delay and size into account; a request here asks for
/// a few hundred values of one page, each on its own field, and that bookkeeping showed in the
/// profile. This one keeps per loader the keys of the batch being filled and, per batch, its
/// result and the tasks waiting for it: a `load_one` adds its key (once) and waits; the batch
/// takes its keys when it starts (so every key asked before it started is in it), loads them
/// with one call of the [`Loader`], and wakes its waiters, who each clone their value. Nothing
/// is cached beyond the batch: a mutation followed by a read in one operation reads afresh.
mod dataloader {
    use std::any::{Any, TypeId};
    use std::collections::HashMap;
    use std::future::Future;
    use std::hash::Hash;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
    use std::task::{Context, Poll, Waker};

    use async_graphql::dataloader::Loader;

    /// Loads values of keys in batches (see the module).
    pub struct DataLoader<T> {
        inner: Arc<Inner<T>>,
    }

    struct Inner<T> {
        loader: T,
        /// One [`Filling`] per key type the loader is used with (nearly always one).
        filling: Mutex<Vec<(TypeId, Box<dyn Any + Send>)>>,
    }

    /// The batch of key type `K` being filled, if one is.
    type Filling<K, V, E> = Option<(Vec<K>, Arc<Batch<K, V, E>>)>;

    /// A batch's outcome and the tasks waiting for it.
    struct Batch<K, V, E> {
        /// The error behind a lock: async-graphql's loader errors are `Send` but need not be
        /// `Sync`.
        result: OnceLock<Result<HashMap<K, V>, Mutex<E>>>,
        waiters: Mutex<Vec<Waker>>,
    }

    fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
        // A panic while holding the lock leaves the state consistent (pushes and takes only).
        m.lock().unwrap_or_else(|e| e.into_inner())
    }

    impl<K, V, E> Batch<K, V, E> {
        fn finish(&self, result: Result<HashMap<K, V>, E>) {
            let _ = self.result.set(result.map_err(Mutex::new));
            for w in std::mem::take(&mut *lock(&self.waiters)) {
                w.wake();
            }
        }
    }

    /// Waits for a batch's outcome.
    struct Wait<'a, K, V, E>(&'a Batch<K, V, E>);

    impl<'a, K, V, E> Future for Wait<'a, K, V, E> {
        type Output = &'a Result<HashMap<K, V>, Mutex<E>>;

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            let batch = self.0;
            if let Some(r) = batch.result.get() {
                return Poll::Ready(r);
            }
            let mut waiters = lock(&batch.waiters);
            // The batch may have finished between the check and the lock.
            if let Some(r) = batch.result.get() {
                return Poll::Ready(r);
            }
            if !waiters.iter().any(|w| w.will_wake(cx.waker())) {
                waiters.push(cx.waker().clone());
            }
            Poll::Pending
        }
    }

    impl<T: Send + Sync + 'static> DataLoader<T> {
        /// A loader over `loader`.
        pub fn new(loader: T) -> Self {
            DataLoader {
                inner: Arc::new(Inner {
                    loader,
                    filling: Mutex::new(Vec::new()),
                }),
            }
        }

        /// The loader itself.
        pub fn loader(&self) -> &T {
            &self.inner.loader
        }

        /// The value of `key`, or `None` when the loader found none.
        pub async fn load_one<K>(&self, key: K) -> Result<Option<T::Value>, T::Error>
        where
            K: Send + Sync + Hash + Eq + Clone + 'static,
            T: Loader<K>,
        {
            let batch = self.enqueue(std::slice::from_ref(&key));
            match Wait(&batch).await {
                Ok(values) => Ok(values.get(&key).cloned()),
                Err(e) => Err(lock(e).clone()),
            }
        }

        /// The values of `keys` that the loader found.
        pub async fn load_many<K, I>(&self, keys: I) -> Result<HashMap<K, T::Value>, T::Error>
        where
            K: Send + Sync + Hash + Eq + Clone + 'static,
            I: IntoIterator<Item = K>,
            T: Loader<K>,
        {
            let keys: Vec<K> = keys.into_iter().collect();
            if keys.is_empty() {
                return Ok(HashMap::new());
            }
            let batch = self.enqueue(&keys);
            match Wait(&batch).await {
                Ok(values) => Ok(keys
                    .into_iter()
                    .filter_map(|k| values.get(&k).cloned().map(|v| (k, v)))
                    .collect()),
                Err(e) => Err(lock(e).clone()),
            }
        }

        /// Adds `keys` to the batch being filled (starting one if none is) and returns it.
        fn enqueue<K>(&self, keys: &[K]) -> Arc<Batch<K, T::Value, T::Error>>
        where
            K: Send + Sync + Hash + Eq + Clone + 'static,
            T: Loader<K>,
        {
            let (batch, new) = with_filling::<K, T, _>(&self.inner, |filling| match filling {
                Some((pending, batch)) => {
                    for k in keys {
                        if !pending.contains(k) {
                            pending.push(k.clone());
                        }
                    }
                    (batch.clone(), false)
                }
                None => {
                    let batch = Arc::new(Batch {
                        result: OnceLock::new(),
                        waiters: Mutex::new(Vec::new()),
                    });
                    *filling = Some((keys.to_vec(), batch.clone()));
                    (batch, true)
                }
            });
            if new {
                let inner = self.inner.clone();
                super::schedule(Box::pin(async move {
                    // The keys are taken when the batch starts: every key asked before is in.
                    let Some((keys, batch)) = with_filling::<K, T, _>(&inner, Option::take) else {
                        return;
                    };
                    let span = tracing::debug_span!(
                        "loader",
                        loader = std::any::type_name::<T>(),
                        keys = keys.len()
                    );
                    batch.finish(
                        tracing::Instrument::instrument(inner.loader.load(&keys), span).await,
                    );
                }));
            }
            batch
        }
    }

    /// Runs `f` on the filling batch of key type `K`.
    fn with_filling<K, T, R>(
        inner: &Inner<T>,
        f: impl FnOnce(&mut Filling<K, T::Value, T::Error>) -> R,
    ) -> R
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        T: Loader<K>,
    {
        let mut all = lock(&inner.filling);
        let id = TypeId::of::<K>();
        let at = match all.iter().position(|(t, _)| *t == id) {
            Some(i) => i,
            None => {
                all.push((
                    id,
                    Box::new(None::<(Vec<K>, Arc<Batch<K, T::Value, T::Error>>)>),
                ));
                all.len() - 1
            }
        };
        match all[at].1.downcast_mut::<Filling<K, T::Value, T::Error>>() {
            Some(filling) => f(filling),
            // Unreachable: the entry of `K`'s type id holds `K`'s state.
            None => f(&mut None),
        }
    }
}

pub use drive::drive;

/// Runs a request with its loaders' batches in the request's own task (see [`batched`]).
mod drive {
    use std::cell::RefCell;
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::{Context, Poll, Wake, Waker};

    use futures_util::stream::{FuturesUnordered, StreamExt};

    type Batch = futures_util::future::BoxFuture<'static, ()>;

    /// Rounds of polling in one wake before the request yields to other tasks.
    const ROUNDS: usize = 16;

    thread_local! {
        /// The batches queued while a driven request is being polled on this thread.
        static QUEUE: RefCell<Option<Vec<Batch>>> = const { RefCell::new(None) };
    }

    /// Queues `task` on the request being driven on this thread; gives it back when none is.
    pub(super) fn queue(task: Batch) -> Option<Batch> {
        QUEUE.with(|q| match q.borrow_mut().as_mut() {
            Some(v) => {
                v.push(task);
                None
            }
            None => Some(task),
        })
    }

    /// Runs `f` with a queue for batches on this thread, and returns what was queued.
    fn capturing<T>(f: impl FnOnce() -> T) -> (T, Vec<Batch>) {
        let outer = QUEUE.with(|q| q.replace(Some(Vec::new())));
        let out = f();
        let queued = QUEUE.with(|q| q.replace(outer)).unwrap_or_default();
        (out, queued)
    }

    /// Remembers that the request was woken; wakes its task only when the wake comes after
    /// the poll (a wake during the poll is a future asking to be polled again, which the
    /// driver does at once).
    struct Flag {
        woken: AtomicBool,
        polling: AtomicBool,
        task: Waker,
    }

    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.woken.store(true, Ordering::SeqCst);
            if !self.polling.load(Ordering::SeqCst) {
                self.task.wake_by_ref();
            }
        }
    }

    /// The future of [`drive`].
    pub struct Driven<F: Future> {
        request: Pin<Box<F>>,
        running: FuturesUnordered<Batch>,
        queued: Vec<Batch>,
    }

    /// Runs `request` so that the DataLoader batches it queues start only when it cannot
    /// progress without them, and run inside its task.
    pub fn drive<F: Future>(request: F) -> Driven<F> {
        Driven {
            request: Box::pin(request),
            running: FuturesUnordered::new(),
            queued: Vec::new(),
        }
    }

    impl<F: Future> Future for Driven<F> {
        type Output = F::Output;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
            let this = &mut *self;
            for _ in 0..ROUNDS {
                // Batches wake the task itself: their progress does not decide when the
                // request is quiescent.
                let running = &mut this.running;
                let ((), mut queued) =
                    capturing(
                        || {
                            while let Poll::Ready(Some(())) = running.poll_next_unpin(cx) {}
                        },
                    );
                let flag = Arc::new(Flag {
                    woken: AtomicBool::new(false),
                    polling: AtomicBool::new(true),
                    task: cx.waker().clone(),
                });
                let waker = Waker::from(flag.clone());
                let mut fcx = Context::from_waker(&waker);
                let (out, more) = capturing(|| this.request.as_mut().poll(&mut fcx));
                // From here a wake is forwarded to the task; one that came before is seen below.
                flag.polling.store(false, Ordering::SeqCst);
                if let Poll::Ready(v) = out {
                    // Batches still running finish on their own (a statement is not cut off).
                    for batch in std::mem::take(&mut this.running) {
                        tokio::spawn(batch);
                    }
                    return Poll::Ready(v);
                }
                queued.extend(more);
                this.queued.append(&mut queued);
                if flag.woken.load(Ordering::SeqCst) {
                    // The request asked to be polled again (a list yielding part-way). When
                    // tokio's budget for this poll is spent, every resource answers `Pending`
                    // until the task yields: polling again would only spin.
                    if !tokio::task::coop::has_budget_remaining() {
                        break;
                    }
                    continue;
                }
                if this.queued.is_empty() {
                    return Poll::Pending;
                }
                this.running.extend(this.queued.drain(..));
            }
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// A `ById` loader of `E` for `reader`.
pub fn by_id<E: Record>(reader: &Reader) -> DataLoader<ById<E>> {
    crate::graphql::loaders::batched(ById::new(reader.clone()))
}

/// The row of `E` with key `id` for `node(id:)`: FORBIDDEN when the actor may not read `E`,
/// `None` outside its scope or restriction; through the request's `ById<E>` loader (so ids of
/// one type share a batch, and the read is audited).
pub async fn node<E: Record>(
    ctx: &async_graphql::Context<'_>,
    id: Uuid,
) -> async_graphql::Result<Option<E::Model>> {
    crate::error::GqlResultExt::gql(crate::graphql::reader(ctx).allow::<E>())?;
    ctx.data_unchecked::<DataLoader<ById<E>>>()
        .load_one(id)
        .await
        .map_err(|e| crate::error::internal(&e))
}

/// Every loader of the core registry for one request.
pub struct CoreLoaders;

impl CoreLoaders {
    /// Adds the request's [`Reader`] and the core loaders, scoped to `actor`, to a request.
    pub fn attach(
        app: &AppContext,
        actor: &Actor,
        req: async_graphql::Request,
    ) -> async_graphql::Request {
        let db = &app.db;
        let scope = actor.scope.clone();
        let reader = Reader::new(app, actor);
        let r = &reader;
        req.data(crate::graphql::loaders::batched(RegionLoader {
            db: db.clone(),
            scope: scope.clone(),
        }))
        .data(crate::graphql::loaders::batched(PopulationLoader {
            db: db.clone(),
        }))
        .data(crate::graphql::loaders::batched(ChildrenLoader {
            db: db.clone(),
            scope: scope.clone(),
        }))
        .data(by_id::<organisation::Entity>(r))
        .data(by_id::<programme::Entity>(r))
        .data(by_id::<person::Entity>(r))
        .data(by_id::<family::Entity>(r))
        .data(by_id::<household::Entity>(r))
        .data(by_id::<activity::Entity>(r))
        .data(by_id::<cadre_role::Entity>(r))
        .data(parent::<programme_target::Entity>(
            r,
            programme_target::Column::ProgrammeId,
            |m| m.programme_id,
        ))
        .data(parent::<activity_organiser::Entity>(
            r,
            activity_organiser::Column::ActivityId,
            |m| m.activity_id,
        ))
        .data(parent::<activity_participant::Entity>(
            r,
            activity_participant::Column::ActivityId,
            |m| m.activity_id,
        ))
        .data(parent::<activity_participant_count::Entity>(
            r,
            activity_participant_count::Column::ActivityId,
            |m| m.activity_id,
        ))
        .data(parent::<commitment::Entity>(
            r,
            commitment::Column::ActivityId,
            |m| m.activity_id,
        ))
        .data(parent::<cadre_role::Entity>(
            r,
            cadre_role::Column::PersonId,
            |m| m.person_id,
        ))
        .data(parent::<family_member::Entity>(
            r,
            family_member::Column::FamilyId,
            |m| m.family_id,
        ))
        .data(MemberOf(parent::<family_member::Entity>(
            r,
            family_member::Column::PersonId,
            |m| m.person_id,
        )))
        .data(parent::<family::Entity>(
            r,
            family::Column::HouseholdId,
            |m| m.household_id.unwrap_or_default(),
        ))
        .data(reader)
    }
}

/// Family memberships keyed by person (a second `ByParent<family_member>` needs its own type).
pub struct MemberOf(pub DataLoader<ByParent<family_member::Entity>>);

/// A `ByParent` loader of `E` grouped by `fk_col`, reading through `reader`.
pub fn parent<E: Record>(
    reader: &Reader,
    fk_col: E::Column,
    fk_of: fn(&E::Model) -> Uuid,
) -> DataLoader<ByParent<E>> {
    crate::graphql::loaders::batched(ByParent {
        reader: reader.clone(),
        fk_col,
        fk_of,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use async_graphql::dataloader::Loader;

    use super::{DataLoader, drive};

    /// Tens of its keys, none for 0, an error for 13; remembers each batch's keys.
    #[derive(Default)]
    struct Tens(Mutex<Vec<Vec<u32>>>);

    impl Loader<u32> for Tens {
        type Value = u32;
        type Error = Arc<str>;
        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, Arc<str>> {
            self.0.lock().unwrap().push(keys.to_vec());
            if keys.contains(&13) {
                return Err(Arc::from("unlucky"));
            }
            Ok(keys
                .iter()
                .filter(|k| **k != 0)
                .map(|k| (*k, k * 10))
                .collect())
        }
    }

    #[tokio::test]
    async fn keys_asked_together_load_once_each_in_one_batch_and_nothing_is_cached() {
        let l = DataLoader::new(Tens::default());
        let (a, b, c, none, many) = drive(async {
            tokio::join!(
                l.load_one(1),
                l.load_one(2),
                l.load_one(1),
                l.load_one(0),
                l.load_many([2, 3])
            )
        })
        .await;
        assert_eq!(
            (a, b, c, none),
            (Ok(Some(10)), Ok(Some(20)), Ok(Some(10)), Ok(None))
        );
        assert_eq!(many, Ok(HashMap::from([(2, 20), (3, 30)])));
        assert_eq!(*l.loader().0.lock().unwrap(), vec![vec![1, 2, 0, 3]]);
        // A later load is a batch of its own: values are not kept past their batch.
        assert_eq!(drive(l.load_one(1)).await, Ok(Some(10)));
        assert_eq!(l.loader().0.lock().unwrap().len(), 2);
        // Every waiter of a failed batch gets its error; outside `drive` the batch is spawned.
        let (x, y) = tokio::join!(l.load_one(13), l.load_one(4));
        assert_eq!(x.unwrap_err().as_ref(), "unlucky");
        assert!(y.is_err());
        assert_eq!(l.loader().0.lock().unwrap()[2], vec![13, 4]);
    }
}
