//! Page-number pagination: turns a list operation into a stream of items.

use std::hash::{DefaultHasher, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::client::{Fetch, RawResponse};
use crate::error::{NotPagingError, NotPagingReason};
use crate::request::{Method, Request};
use crate::{Client, Error};

/// A boxed stream of items, e.g. to store what `.stream()` returns in a field or to return
/// streams of several listings from one function: `let items: ItemStream<'_, _, _> = Box::pin(op.stream());`.
/// `E` is the error of the operation: [`Error`], or an [`OperationError`](crate::OperationError)
/// for one that documents its error bodies.
///
/// `.stream()` itself returns `impl Stream<Item = Result<T, E>> + Send + Unpin + 'static`, which
/// costs no allocation and compiles the decoding of a page only where the stream is used.
pub type ItemStream<'a, T, E = Error> = Pin<Box<dyn Stream<Item = Result<T, E>> + Send + 'a>>;

/// What the generated code extracts from one decoded page.
#[derive(Debug)]
pub struct PageParts<T> {
    /// The items of the page.
    pub items: Vec<T>,
    /// The total number of items, when the page reports it.
    pub total_count: Option<u64>,
    /// The offset just past the page's last item, when the page reports it.
    pub end_offset: Option<u64>,
}

/// A paging number of the models (any integer or float width, optional, or by reference).
pub trait AsCount {
    /// The value as a count; negative, NaN, infinite or non-integral values give `None`.
    fn as_count(&self) -> Option<u64>;
}

macro_rules! as_count_int {
    ($($t:ty),*) => {$(
        impl AsCount for $t {
            fn as_count(&self) -> Option<u64> {
                u64::try_from(*self).ok()
            }
        }
    )*};
}
as_count_int!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl AsCount for f64 {
    fn as_count(&self) -> Option<u64> {
        // 2^64 is the first value past u64::MAX that an f64 can hold exactly.
        (self.is_finite() && self.fract() == 0.0 && *self >= 0.0 && *self < 18_446_744_073_709_551_616.0)
            .then_some(*self as u64)
    }
}

impl AsCount for f32 {
    fn as_count(&self) -> Option<u64> {
        f64::from(*self).as_count()
    }
}

impl<C: AsCount> AsCount for Option<C> {
    fn as_count(&self) -> Option<u64> {
        self.as_ref().and_then(AsCount::as_count)
    }
}

impl<C: AsCount + ?Sized> AsCount for &C {
    fn as_count(&self) -> Option<u64> {
        (**self).as_count()
    }
}

/// Converts a paging number of the models to `u64`; negative, NaN or non-integral values give `None`.
pub fn count<C: AsCount>(value: C) -> Option<u64> {
    value.as_count()
}

/// Converts a page number back into the type of the model's page parameter
/// (saturating at the type's maximum).
pub trait FromPage {
    /// The page number as `Self`.
    fn from_page(page: u64) -> Self;
}

macro_rules! from_page_int {
    ($($t:ty),*) => {$(
        impl FromPage for $t {
            fn from_page(page: u64) -> Self {
                <$t>::try_from(page).unwrap_or(<$t>::MAX)
            }
        }
    )*};
}
from_page_int!(u32, u64, usize, i32, i64, isize);

impl FromPage for f64 {
    fn from_page(page: u64) -> Self {
        page as f64
    }
}

impl FromPage for f32 {
    fn from_page(page: u64) -> Self {
        page as f32
    }
}

/// Where a listing stands between pages: the page-number bookkeeping and the rules that decide
/// when the listing ends. Not generic, so it is compiled once for every listing.
#[derive(Debug)]
struct Cursor {
    next_page: u64,
    per_page: Option<u64>,
    pages_fetched: u64,
    previous_end: Option<u64>,
    /// A hash of the previous page's body, to tell a page that repeats it.
    previous_body: Option<u64>,
    /// The listing's method and path template, for its errors.
    listing: Option<(Method, &'static str)>,
    done: bool,
}

impl Cursor {
    /// The number of the page to fetch next, or [`Error::TooManyPages`] when the client's
    /// `max_pages` guard is reached.
    fn next_page(&self, client: &Client) -> Result<u64, Error> {
        let max_pages = client.max_pages();
        if self.pages_fetched >= max_pages {
            return Err(Error::TooManyPages { max_pages });
        }
        Ok(self.next_page)
    }

    /// Looks at a page that has arrived, before it is decoded: a body identical to the page
    /// before's means that the server ignores the page number, which ends the listing with
    /// [`Error::NotPaging`] before any item is yielded twice.
    fn arrived(&mut self, raw: &RawResponse) -> Result<(), Error> {
        let request = raw.request();
        self.listing = Some((request.method.clone(), request.path_template));
        let mut hasher = DefaultHasher::new();
        hasher.write(raw.body());
        let body = hasher.finish();
        if self.previous_body.replace(body) == Some(body) {
            return Err(self.not_paging(NotPagingReason::Repeated));
        }
        Ok(())
    }

    /// The error that ends a listing whose page `next_page` shows that the server is not paging.
    fn not_paging(&mut self, reason: NotPagingReason) -> Error {
        self.done = true;
        let (method, path_template) = self.listing.clone().unwrap_or((Method::GET, ""));
        tracing::debug!(page = self.next_page, ?reason, "pagination stopped: the server is not paging");
        Error::NotPaging(NotPagingError { method, path_template, page: self.next_page, reason })
    }

    /// Records a decoded page of `len` items and decides whether it is the last one; an error
    /// when its `end_offset` does not go past the page before's (its items are not yielded).
    fn record(&mut self, len: usize, total_count: Option<u64>, end_offset: Option<u64>) -> Result<(), Error> {
        if let (Some(end), Some(previous_end)) = (end_offset, self.previous_end)
            && end <= previous_end
        {
            return Err(self.not_paging(NotPagingReason::NoProgress { previous_end, end }));
        }
        self.pages_fetched += 1;
        self.next_page = self.next_page.saturating_add(1);
        let len = u64::try_from(len).unwrap_or(u64::MAX);
        let reached_total = matches!((end_offset, total_count), (Some(end), Some(total)) if end >= total);
        // A short page ends the list only when the paging object cannot say whether more
        // follow: a server that caps `per_page` below the request still reports the total.
        let counted = end_offset.is_some() && total_count.is_some();
        let short = !counted && self.per_page.is_some_and(|per_page| len < per_page);
        self.done = len == 0 || reached_total || short;
        self.previous_end = end_offset.or(self.previous_end);
        Ok(())
    }
}

/// The stream returned by `.stream()` on list operations (see [`paginate`]).
///
/// Written out by hand rather than with an `async` block so that it is `Unpin` and holds only
/// the non-generic part of a page fetch across polls: the page's body is decoded as `R` when it
/// has arrived, so the decoding of `R` is compiled only where the stream is polled.
///
/// It owns a clone of the client (an `Arc`), so that it is `'static` and can be spawned.
struct Pages<B, R, T> {
    client: Client,
    builder: B,
    cursor: Cursor,
    items: std::vec::IntoIter<T>,
    in_flight: Option<Fetch>,
    request: fn(&B, u64) -> Result<Request, Error>,
    split: fn(R) -> PageParts<T>,
}

// No field is ever pinned in place: the in-flight fetch is boxed.
impl<B, R, T> Unpin for Pages<B, R, T> {}

impl<B, R, T> Stream for Pages<B, R, T>
where
    R: serde::de::DeserializeOwned,
{
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(fetch) = &mut this.in_flight {
                let raw = std::task::ready!(fetch.as_mut().poll(cx));
                this.in_flight = None;
                let cursor = &mut this.cursor;
                let page = raw
                    .and_then(|raw| cursor.arrived(&raw).and_then(|()| raw.decode::<R>()))
                    .map(|body| (this.split)(body.into_inner()))
                    .and_then(|page| cursor.record(page.items.len(), page.total_count, page.end_offset).map(|()| page));
                match page {
                    Ok(page) => this.items = page.items.into_iter(),
                    Err(error) => {
                        this.cursor.done = true;
                        return Poll::Ready(Some(Err(error)));
                    }
                }
            }
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.cursor.done {
                return Poll::Ready(None);
            }
            match this.cursor.next_page(&this.client).and_then(|page| (this.request)(&this.builder, page)) {
                Ok(request) => this.in_flight = Some(this.client.fetch_json(request)),
                Err(error) => {
                    this.cursor.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }
}

/// Streams the items of pages `first_page`, `first_page + 1`, ... holding at most one page in memory.
///
/// Stops after a page that is empty, reaches `total_count`, or is short (fewer than `per_page`
/// items) when the page carries no `end_offset`/`total_count`. Yields [`Error::NotPaging`]
/// instead of a page whose body is identical to the page before's or whose `end_offset` does
/// not advance (the server is not paging: no item is yielded twice), and [`Error::TooManyPages`]
/// when the client's `max_pages` guard is reached while more pages remain. An error is yielded
/// once and ends the stream.
///
/// Nothing is fetched, and nothing of the page type is compiled, until the stream is polled.
/// The stream owns `client` (a clone is an `Arc`'s) and `builder`, so it borrows nothing and can
/// be moved to another task.
pub fn paginate<B, R, T>(
    client: Client,
    builder: B,
    first_page: u64,
    per_page: Option<u64>,
    request: fn(&B, u64) -> Result<Request, Error>,
    split: fn(R) -> PageParts<T>,
) -> impl Stream<Item = Result<T, Error>> + Send + Unpin + 'static
where
    B: Send + 'static,
    R: serde::de::DeserializeOwned + 'static,
    T: Send + 'static,
{
    Pages {
        client,
        builder,
        cursor: Cursor {
            next_page: first_page,
            per_page,
            pages_fetched: 0,
            previous_end: None,
            previous_body: None,
            listing: None,
            done: false,
        },
        items: Vec::new().into_iter(),
        in_flight: None,
        request,
        split,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RetryPolicy;
    use crate::request::{Method, RequestOptions};
    use futures_util::StreamExt;
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[test]
    fn count_conversions() {
        assert_eq!(count(5u64), Some(5));
        assert_eq!(count(-1i64), None);
        assert_eq!(count(7i32), Some(7));
        assert_eq!(count(8u32), Some(8));
        assert_eq!(count(3.0f64), Some(3));
        assert_eq!(count(3.5f64), None);
        assert_eq!(count(f64::NAN), None);
        assert_eq!(count(f64::INFINITY), None);
        assert_eq!(count(-2.0f64), None);
        assert_eq!(count(1e30f64), None);
        assert_eq!(count(2.0f32), Some(2));
        assert_eq!(count(Some(4i64)), Some(4));
        assert_eq!(count(None::<u64>), None);
        // References, as generated code may hold them.
        let (some, ten, negative) = (Some(9u64), 10i64, Some(-3i32));
        let (some_ref, ten_ref, negative_ref) = (&some, &&ten, &negative);
        assert_eq!(count(some_ref), Some(9));
        assert_eq!(count(ten_ref), Some(10));
        assert_eq!(count(negative_ref), None);
    }

    #[test]
    fn from_page_conversions() {
        assert_eq!(<i64 as FromPage>::from_page(7), 7);
        assert_eq!(<u32 as FromPage>::from_page(7), 7);
        assert_eq!(<i32 as FromPage>::from_page(u64::MAX), i32::MAX);
        assert_eq!(<f64 as FromPage>::from_page(3), 3.0);
        assert_eq!(<f32 as FromPage>::from_page(2), 2.0);
        assert_eq!(count(<f64 as FromPage>::from_page(12)), Some(12));
    }

    #[derive(serde::Deserialize)]
    struct Page {
        data: Vec<u32>,
        total: Option<u64>,
        end: Option<u64>,
    }

    struct Builder {
        per_page: u64,
    }

    fn request(builder: &Builder, page: u64) -> Result<Request, Error> {
        let mut r = Request::new(Method::GET, "/items", "/items".to_owned(), &RequestOptions::default());
        r.query.push("page_no", &page);
        r.query.push("per_page", &builder.per_page);
        Ok(r)
    }

    fn split(page: Page) -> PageParts<u32> {
        PageParts { items: page.data, total_count: page.total, end_offset: page.end }
    }

    async fn serve(server: &MockServer, page: u64, body: serde_json::Value) {
        Mock::given(method("GET"))
            .and(path("/items"))
            .and(query_param("page_no", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(server)
            .await;
    }

    fn client(server: &MockServer, max_pages: u64) -> Client {
        Client::builder()
            .api_token("t")
            .base_url(server.uri())
            .retry_policy(RetryPolicy::never())
            .max_pages(max_pages)
            .build()
            .expect("valid client")
    }

    async fn collect(stream: impl Stream<Item = Result<u32, Error>>) -> Vec<Result<u32, Error>> {
        stream.collect().await
    }

    #[tokio::test]
    async fn walks_pages_until_total() {
        let server = MockServer::start().await;
        serve(&server, 1, serde_json::json!({"data": [1, 2], "total": 5, "end": 2})).await;
        serve(&server, 2, serde_json::json!({"data": [3, 4], "total": 5, "end": 4})).await;
        serve(&server, 3, serde_json::json!({"data": [5, 6], "total": 5, "end": 5})).await;
        serve(&server, 4, serde_json::json!({"data": [99], "total": 5, "end": 6})).await;
        let client = client(&server, 100);
        let items = collect(paginate(client.clone(), Builder { per_page: 2 }, 1, Some(2), request, split)).await;
        let items: Vec<u32> = items.into_iter().map(|r| r.expect("no error")).collect();
        assert_eq!(items, vec![1, 2, 3, 4, 5, 6]);
        assert_eq!(server.received_requests().await.map(|r| r.len()), Some(3));
    }

    #[tokio::test]
    async fn stops_on_short_or_empty_page() {
        let server = MockServer::start().await;
        serve(&server, 0, serde_json::json!({"data": [1, 2]})).await;
        serve(&server, 1, serde_json::json!({"data": [3]})).await;
        serve(&server, 2, serde_json::json!({"data": [4]})).await;
        let client = client(&server, 100);
        let items = collect(paginate(client.clone(), Builder { per_page: 2 }, 0, Some(2), request, split)).await;
        assert_eq!(items.into_iter().map(|r| r.expect("no error")).collect::<Vec<_>>(), vec![1, 2, 3]);

        // Without per_page, an empty page ends the listing.
        let server = MockServer::start().await;
        serve(&server, 1, serde_json::json!({"data": [1]})).await;
        serve(&server, 2, serde_json::json!({"data": []})).await;
        serve(&server, 3, serde_json::json!({"data": [7]})).await;
        let client = self::client(&server, 100);
        let items = collect(paginate(client.clone(), Builder { per_page: 1 }, 1, None, request, split)).await;
        assert_eq!(items.into_iter().map(|r| r.expect("no error")).collect::<Vec<_>>(), vec![1]);
    }

    /// The items before the error that ends `items`, and that error.
    fn split_error(mut items: Vec<Result<u32, Error>>) -> (Vec<u32>, Error) {
        let error = items.pop().expect("an item").expect_err("ends with an error");
        (items.into_iter().map(|r| r.expect("no error before the last")).collect(), error)
    }

    #[tokio::test]
    async fn a_repeated_page_is_an_error_not_a_duplicate() {
        let server = MockServer::start().await;
        // A server that ignores the page number: every page is the same.
        Mock::given(method("GET"))
            .and(path("/items"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [1, 2], "end": 2})))
            .mount(&server)
            .await;
        let client = client(&server, 100);
        let items = collect(paginate(client.clone(), Builder { per_page: 2 }, 1, Some(2), request, split)).await;
        let (items, error) = split_error(items);
        assert_eq!(items, vec![1, 2]);
        match &error {
            Error::NotPaging(e) => {
                assert_eq!((e.page(), e.reason(), e.path_template()), (2, NotPagingReason::Repeated, "/items"))
            }
            other => panic!("{other:?}"),
        }
        assert!(error.to_string().contains("not paging"), "{error}");
        assert_eq!(server.received_requests().await.map(|r| r.len()), Some(2));
    }

    #[tokio::test]
    async fn an_end_offset_that_does_not_advance_is_an_error() {
        let server = MockServer::start().await;
        serve(&server, 1, serde_json::json!({"data": [1, 2], "end": 2})).await;
        serve(&server, 2, serde_json::json!({"data": [3, 4], "end": 2})).await;
        let client = client(&server, 100);
        let items = collect(paginate(client.clone(), Builder { per_page: 2 }, 1, Some(2), request, split)).await;
        let (items, error) = split_error(items);
        assert_eq!(items, vec![1, 2], "the page that makes no progress is not yielded");
        let expected = NotPagingReason::NoProgress { previous_end: 2, end: 2 };
        assert!(matches!(&error, Error::NotPaging(e) if e.reason() == expected && e.page() == 2), "{error:?}");
        assert_eq!(server.received_requests().await.map(|r| r.len()), Some(2));
    }

    #[tokio::test]
    async fn page_guard_is_an_error() {
        let server = MockServer::start().await;
        for page in 1..=4 {
            serve(&server, page, serde_json::json!({"data": [2 * page - 1, 2 * page]})).await;
        }
        let client = client(&server, 3);
        let items = collect(paginate(client.clone(), Builder { per_page: 2 }, 1, Some(2), request, split)).await;
        assert_eq!(items.len(), 7);
        assert!(items[..6].iter().all(Result::is_ok));
        assert!(matches!(items[6], Err(Error::TooManyPages { max_pages: 3 })), "{:?}", items[6]);
        assert_eq!(server.received_requests().await.map(|r| r.len()), Some(3));
    }

    #[tokio::test]
    async fn error_ends_the_stream() {
        let server = MockServer::start().await;
        serve(&server, 1, serde_json::json!({"data": [1, 2]})).await;
        Mock::given(method("GET"))
            .and(query_param("page_no", "2"))
            .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"message": "nope"})))
            .mount(&server)
            .await;
        let client = client(&server, 100);
        let items = collect(paginate(client.clone(), Builder { per_page: 2 }, 1, Some(2), request, split)).await;
        assert_eq!(items.len(), 3);
        match &items[2] {
            Err(e) => assert!(e.is_not_found(), "{e}"),
            Ok(v) => panic!("unexpected item {v}"),
        }
    }
}
