//! The About resource (Communication 2.8): the versions this LRS speaks, open to everyone.

use super::versioned;
use actix_web::HttpResponse;
use learnwell_xapi::XapiVersion;
use serde_json::{json, Map, Value};

/// What the LRS says about itself.
fn about() -> Value {
    let mut extensions = Map::new();
    extensions.insert(
        "https://learnwell.example/xapi/about/product".into(),
        json!("learnwell"),
    );
    json!({ "version": ["1.0.3", "2.0.0"], "extensions": extensions })
}

/// The answer to a GET of `/xapi/about` (in xAPI 1.0.3's header: the versions are the body).
pub(super) fn get() -> HttpResponse {
    versioned(HttpResponse::Ok().json(about()), XapiVersion::V1_0_3)
}
