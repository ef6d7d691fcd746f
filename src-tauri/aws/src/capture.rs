//! Keeps the body of the response the SDK just parsed, so the page is stored as AWS
//! sent it. The SDK reads a non-streaming body into memory before deserialising it;
//! after deserialisation the bytes are still there to copy.

use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use rampart_core::sync::{ErrorKind, FetchError, Page};

/// Attach a fresh one to each call (`.customize().interceptor(c.clone())`), then
/// [`Capture::take`] the body once the call returned.
#[derive(Debug, Clone, Default)]
pub struct Capture(Arc<Mutex<Option<Vec<u8>>>>);

impl Capture {
    pub fn take(&self) -> Option<Vec<u8>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// The page a call returned: its `items` findings as the body kept here (no body when
    /// it held none), and the token of the next page.
    pub(crate) fn page(&self, action: &str, items: usize, next: Option<&str>) -> Result<Page, FetchError> {
        let body = match items {
            0 => None,
            _ => Some(self.take().ok_or_else(|| {
                FetchError::new(
                    ErrorKind::Transient,
                    format!("{action}: the response body was not kept"),
                )
            })?),
        };
        Ok(Page {
            body,
            next_token: crate::token(next),
            items,
            ..Page::default()
        })
    }
}

impl Intercept for Capture {
    fn name(&self) -> &'static str {
        "rampart-capture-body"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Retries are the engine's, so there is one attempt per call; the last one wins.
        let bytes = context.response().body().bytes().map(<[u8]>::to_vec);
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = bytes;
        Ok(())
    }
}
