//! [`OperationError`]: the error of an operation that documents its error bodies, with the body
//! decoded into the operation's type, and the glue the emitted code builds it with.

use std::fmt;
use std::ops::Deref;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::Error;

/// The error of an operation whose spec documents its error responses: the [`Error`] itself,
/// and the body of a non-2xx answer decoded as the type documented for its status.
///
/// It dereferences to [`Error`], so every helper (`status()`, `is_not_found()`, `message()`, ...)
/// works as on any error, and it converts into [`Error`] with `?`. [`OperationError::body`] is
/// `None` when the error is not an answer of the server, when the operation documents no body
/// for that status, or when the body does not have the documented shape (the generic parsing
/// of [`Error::message`] and [`Error::details`] still applies then).
///
/// ```
/// use cloudflare_realtimekit_runtime::{Error, OperationError};
///
/// #[derive(Debug)]
/// struct NotFound { message: String }
///
/// let error = OperationError::new(Error::invalid_argument("id", "empty"), None::<NotFound>);
/// assert!(error.body().is_none());
/// assert_eq!(error.to_string(), "invalid argument `id`: empty");
/// let error: Error = error.into(); // What `?` does in a function returning `Error`.
/// assert!(matches!(error, Error::InvalidArgument { .. }));
/// ```
pub struct OperationError<E> {
    error: Error,
    body: Option<E>,
}

impl<E> OperationError<E> {
    /// An error with this decoded body, e.g. to test code that handles one.
    pub fn new(error: Error, body: Option<E>) -> Self {
        OperationError { error, body }
    }

    /// The error body, decoded as the type the operation documents for the answer's status.
    pub fn body(&self) -> Option<&E> {
        self.body.as_ref()
    }

    /// The decoded error body, taken out.
    pub fn into_body(self) -> Option<E> {
        self.body
    }

    /// The error, as every operation returns it.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The error, without the decoded body.
    pub fn into_error(self) -> Error {
        self.error
    }
}

impl<E> Deref for OperationError<E> {
    type Target = Error;

    fn deref(&self) -> &Error {
        &self.error
    }
}

impl<E> From<OperationError<E>> for Error {
    fn from(error: OperationError<E>) -> Self {
        error.error
    }
}

/// An error that happened before any answer (an invalid argument, say) has no body.
impl<E> From<Error> for OperationError<E> {
    fn from(error: Error) -> Self {
        OperationError { error, body: None }
    }
}

impl<E: fmt::Debug> fmt::Debug for OperationError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationError").field("error", &self.error).field("body", &self.body).finish()
    }
}

/// The same text as the [`Error`]'s: the body is already quoted there (bounded).
impl<E> fmt::Display for OperationError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl<E: fmt::Debug> std::error::Error for OperationError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.error)
    }
}

/// The glue of the emitted code: how an operation's error gets its typed body.
#[doc(hidden)]
pub mod glue {
    use super::*;

    /// The body of `error`, when it is a complete answer of the server, decoded by `select`
    /// (the operation's choice of type by status code).
    pub fn typed<E>(error: Error, select: fn(u16, &[u8]) -> Option<E>) -> OperationError<E> {
        let body = match &error {
            Error::Api(api) if !api.body_truncated() => select(api.status().as_u16(), api.body()),
            _ => None,
        };
        OperationError { error, body }
    }

    /// `body` decoded as JSON of type `T`, if it is; the same rules as a 2xx body, without the
    /// error (the generic parsing of the [`Error`] covers bodies of other shapes).
    pub fn json<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
        serde_json::from_slice(body).ok()
    }

    /// A listing's stream whose errors get their typed body as [`typed`] does.
    pub fn typed_stream<S, T, E>(
        stream: S,
        select: fn(u16, &[u8]) -> Option<E>,
    ) -> impl Stream<Item = Result<T, OperationError<E>>> + Send + Unpin + 'static
    where
        S: Stream<Item = Result<T, Error>> + Send + Unpin + 'static,
        E: 'static,
    {
        TypedErrors { stream, select }
    }

    /// See [`typed_stream`].
    struct TypedErrors<S, E> {
        stream: S,
        select: fn(u16, &[u8]) -> Option<E>,
    }

    impl<S, T, E> Stream for TypedErrors<S, E>
    where
        S: Stream<Item = Result<T, Error>> + Unpin,
    {
        type Item = Result<T, OperationError<E>>;

        fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let this = self.get_mut();
            let select = this.select;
            Pin::new(&mut this.stream).poll_next(cx).map(|item| item.map(|item| item.map_err(|e| typed(e, select))))
        }

        fn size_hint(&self) -> (usize, Option<usize>) {
            self.stream.size_hint()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::glue::{json, typed};
    use super::*;
    use crate::ApiError;
    use reqwest::{Method, StatusCode};

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Problem {
        message: String,
    }

    fn api(status: u16, body: &'static str) -> Error {
        let status = StatusCode::from_u16(status).expect("a status");
        Error::from(ApiError::new(status, body).with_request(Method::GET, "/things"))
    }

    fn select(status: u16, body: &[u8]) -> Option<Problem> {
        (status == 404).then(|| json(body)).flatten()
    }

    #[test]
    fn the_body_is_decoded_for_documented_statuses_only() {
        let error = typed(api(404, r#"{"message":"gone"}"#), select);
        assert_eq!(error.body(), Some(&Problem { message: "gone".to_owned() }));
        assert!(error.is_not_found(), "the error's helpers, through Deref");
        assert_eq!(error.to_string(), error.error().to_string());
        // A status without a documented body, and a body of another shape.
        assert_eq!(typed(api(500, r#"{"message":"down"}"#), select).body(), None);
        let other = typed(api(404, r#"{"error":{"code":7,"message":"gone"}}"#), select);
        assert_eq!(other.body(), None);
        assert_eq!(other.message(), Some("gone"), "the generic parsing still applies");
        // An error that is no answer.
        assert_eq!(typed(Error::invalid_argument("id", "empty"), select).into_body(), None);
    }

    #[test]
    fn it_converts_into_the_error() {
        fn run() -> Result<(), Error> {
            Err(typed(api(404, r#"{"message":"gone"}"#), select))?;
            Ok(())
        }
        assert!(run().expect_err("fails").is_not_found());
    }
}
