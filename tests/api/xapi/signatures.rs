//! Signed statements (Data 2.6): a JWS attachment verified against its certificate.

use super::{
    attachment_object, body_of, client, multipart_answer, multipart_body, part_headers,
    send_multipart, statement, xapi, BOUNDARY, S1, S2, S3,
};
use crate::helpers::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

/// A test signer: an RSA key, its self-signed certificate (base64 DER), and a stranger's key.
const SIGNER_KEY: &str = r"-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEAsbZZ7fB3TFT7TdNPfRrmLIVcrMmiK/yqNDLImXLiwd75I0cg
FELqMz3WKtcrDhCckFibcNIPWSt8aPZPfrt7zSbosomRbUTupJ7rvEdEb0dMKk9b
HuCvAinDHBxasD3y4ww73AliIzwoVqrZHrG3lVXdiXaBkX/B5uFe2g4azoYduRGU
lGC/B9GBL/Z9WDHixnZ1lzQMkqFvZPdWGNiCqHxmlK75g8Kog2vI5egiQO34Q2Gt
RhfGAGP4H4f3qKMYB6psD/racAbCM1dD++iEQv98J7AOma2PIoGcXO/DAdXW2iDD
v0OT+nXoxDFha+4/c93rcugCXAswXI6LyyppBwIDAQABAoIBAFgNWhGjC/kuQjYV
dVUvdsyoZ3rVjRzuXAbxAqPFYMVejWMFYsenQBOTmAIyCos1f92liZ8k9aXg/guj
v0+z5WuI09NihkP126iFdZgcV7QrR3nPR/7MpOoVdy7+fZDFoQsOjLpBi/aZYANR
M7MZqzS7DsGFjj1hZ9nV4QF5655X0dDUejAG+6M3++P0bv4WcX8ptD/9qyexBnuv
qa34ABRP6fHSuALxkb6U0dJYtKkE+K+EpJqA3y+c+wfqZUF3fQwDBqm9kMr8Vw3+
g/iiqOfyMGK/UhwRedzYPOGVrv3FbmqvVaJ4vG7E8euH24KEdbHxSTbQKakIPniB
IutIjEECgYEA4DdHzrFTE3Dc58rJkxqDxZouCcbwhZrbnPg4WfKwWD3GO8sjyJse
SPaSj0hmXAayF3DaZspdSAL5loJiYo5nKEDE+3GC8JC+rpU+jUU6Bi1mOQ6EdMHp
hq+a45iSyFxHBtw9of7B+StYXx6XqUK2D8C3sGTzcSNnCmp6bNM0fSMCgYEAyud4
U4GJ016K5sAuuIWps81mmsmADKInd+HxtrpbhRO9DjP3+MuN8k/vO7QAvdNatLOE
6MS4VZ8X7acx92XRPAApuSy4afZjPlxFWgH/Zhjqvt2COG+8Sq9uf0vRFf3iOH9S
87JkOQ4MUHBbCR+yOXz7AMb9tWnyW80fck/aPM0CgYEAxx8Q/HTqjIddB9VGMwgH
IoQMgs5UaLLgeoTOtsMa7SLfW9bKTqvDt5STEACCNxQTMVIeA8+QDBXoRkxAx7oj
ztHGnm9uk+pYDX+pb5idMUM8V0uXQoG7vMtTSPEE2j9pLKSHb8hpx7lA4CixE7aV
LWQ/Pb5JnJ6OMefiFad0I/UCgYAoGLvvjJ7G9VzvorTY5BkYHhQTrJQwau7vwue4
W3Vwg+kNYHm1YcxoQSGeo8CtwpGfOgae1Rk0Wl8pKKw4HpfNip60KEE9N2J/VU6j
LdfhvjTNiQqNyo7kF2z3nOzxsp082vRykiM6HyuRzdI/qFLZB3i2u5wxeIFbYNrB
BUS0VQKBgQDOuTHQHgGosVruSl82zWr0fn1vf7x/4PFfQ/5T4orcHQu+cSv9i/pr
pXl0mvpQCCbXgP7L7DrwAWsYUwFK/CLjiQiP2L0uwv4YQIWFOF9P+HaBoLeouAmw
p90AevLYdZNXxijiAgr93vRtNYj5dTvtpe2vtVPxXFqnnsrg0cdlWQ==
-----END RSA PRIVATE KEY-----
";
const SIGNER_CERTIFICATE: &str = "MIIDIzCCAgugAwIBAgIUNX2RGN5Mr3xg0JCzncsR3kG8QYQwDQYJKoZIhvcNAQELBQAwIDEeMBwGA1UEAwwVTGVhcm53ZWxsIHRlc3Qgc2lnbmVyMCAXDTI2MTEyMzE1MjIzMloYDzIxMjYxMDMwMTUyMjMyWjAgMR4wHAYDVQQDDBVMZWFybndlbGwgdGVzdCBzaWduZXIwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCxtlnt8HdMVPtN0099GuYshVysyaIr/Ko0MsiZcuLB3vkjRyAUQuozPdYq1ysOEJyQWJtw0g9ZK3xo9k9+u3vNJuiyiZFtRO6knuu8R0RvR0wqT1se4K8CKcMcHFqwPfLjDDvcCWIjPChWqtkesbeVVd2JdoGRf8Hm4V7aDhrOhh25EZSUYL8H0YEv9n1YMeLGdnWXNAySoW9k91YY2IKofGaUrvmDwqiDa8jl6CJA7fhDYa1GF8YAY/gfh/eooxgHqmwP+tpwBsIzV0P76IRC/3wnsA6ZrY8igZxc78MB1dbaIMO/Q5P6dejEMWFr7j9z3ety6AJcCzBcjovLKmkHAgMBAAGjUzBRMB0GA1UdDgQWBBSupZHp3pUIyXo1Zh6yk+3rndKr3DAfBgNVHSMEGDAWgBSupZHp3pUIyXo1Zh6yk+3rndKr3DAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQA8ZpBH6iSlHH1dd9y6honwGU5KzTeMoCuIJ6XBIMoaaba2+TpTt09gSD7by0phNJA4CCQEJFmeMLyCFQssiTkWvBqbLQa8woYVZE/hybNsguGqtqPlizfeJU3vq6boXJ9bmbsK4dFZFX+Q+3gNIWM4n9/ZzbtBf/75vjEuMpekajYjBamsFMGbgQQ382eEtHB6EmLw0R9NYj7FDtv5NHHvOCn1j5e7XJWlZN/nEyqzmUdxwKhW5NE8XFix8xC6lBeOPLv1KLd5R28GtXPmK8cQfSwaz9pb8QCM1Dc6irYmn5lkkiGy3Hntd8IOdPF6ZICJkRzwLHP5cda1IB2ZkYWK";
const STRANGER_KEY: &str = r"-----BEGIN RSA PRIVATE KEY-----
MIIEpQIBAAKCAQEAuRwTHBmHY05tXgtfCGO8xW8xRmETSayRG5d9SGqqPx0sVWWz
uCPCt9T2skyUcN8COcKHDIO/5s14KvPX7s4UovzrSrUvXS36SLk6hl2wYsdZTami
pFrFnvZJWugXK0Lu8Nvnszg96bF6myhcDsj0BUva3ngtY7Ll7iy3KzgarPsDW+UY
GS90j61VAw9PrfUnmkL328SmCyV1igB/D+1Ogjhb5ou1fo06tM58icwTA4Fty/zt
AQ5SAPui+kAAxq3MFs4MLamtICh0+FBQynMT9UbetvCEfGt5DTMDFCbDI0k0rlH9
5jGNas1zm7qJwzIsdw6sZdifCkCLKoZu7WlQbQIDAQABAoIBAAKmHk2LFejtcI3n
ucCFFfXe1etMWwQhd4gM5Ijt5LkG+JHRyoNiPAj9e0gx1ACW3ivfJk9hS2hwj2DM
mCZHeqyajVERkuOykS9SIFjb9Olrkt9E19xkO92XMsptKqOSkZiOw6kuX5QpZIeo
Ww6uRzaPozjAQNDI3kdRdGxSj4T0s+S71URXNsrVEkIi6efiA293atg6wK8f+U1q
Ozfo67JY03Rkgfc2v4CHVBO2vFReCX2+Xl6TmPMAnHZZNiVs1ezrZyzHJ9JfevhF
HDzV2HxTHDcmU4nSC74glmAfvpWHmsgv0cy61W1GD38+lj06gAWfrn0ycb5f/4yC
5qGi1n0CgYEA+4/ztYTSNpDxmzA6vERNAZx3W3ik+ufN/bXcIxsNmaVRVCqIlT/X
lkhDFVyp/C75D4vJRRCI4XwWbwkoxBtl5V7B8RaGoiWB86YCbi3B0qzvXvAiepJP
fJTChUWi3BmihzJBhgaBY9r4oGm16qaW3KrTgrmxTt4mvh18hWSJBksCgYEAvGAG
QzJn2gvyzb2m09eod12oaox2Mh0IyszJP81NV14l7wNhhfXd3/WynIkNofrT0nlb
YBtIghRmiiyORwc4faxJJno/ionP3ZaLRMsEr+vW7GUv+E9kQSyfkZ1d0ppb67th
TLd7iierAo/jSmGKu7grKvnwucbaEaATYVXfMScCgYEAj2+tDjsFgYdzu4DsfJyV
K+4DQGyx5T52/crMElhCkPDqRotaBX+5dT8OwQdtBRXjfTG/OVoMMkWGpRkb3XWh
y/8TplupuJqaVkq56Ai/E1j3w7I4dpsmJ2rK3yKtkcIsIdpN8hWTgVRBn3Wm/Hyw
WHIu18L5jnassIovjf+dAbECgYEAvA5Y8iiWCNY41TBqJb58Dn5Prd7/+FOH/X2n
w6wfdAMnd482gtfLYtQUNbWVCIoxgUNp924FWucm3vZQK5SHzt56QJF2ccXW4G50
Jn9O9JlK/MCfvRL1ESONQX+KtL8o2RM9tarPCENFs88Vp6HtMC5R2hufOLfN6B6Y
emmR4a0CgYEAzLA4vVqC7g7czoeqSfz+gkvaI3XyVOp/x8Y9Lmntfck3hLPJ0dwJ
YdmtwJs5HXcmykb7+TgB9fqhRvv8SRe5X/eeeuTf+/RXscL8kD7ieb4SJVNZkECk
0iI4J/5XV5zQ8rT79ByFibDXUCY7rJ5c2SyQxdB723Za/7/IgaPHy2I=
-----END RSA PRIVATE KEY-----
";

/// A statement signed with a JWS attachment, as a multipart body.
fn signed_statement(statement: &Value, key_pem: &str, header: jsonwebtoken::Header) -> Vec<u8> {
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(key_pem.as_bytes()).expect("key");
    let jws = jsonwebtoken::encode(&header, statement, &key)
        .expect("sign")
        .into_bytes();
    let mut signed = statement.clone();
    signed["attachments"] = json!([attachment_object(
        &jws,
        "application/octet-stream",
        "http://adlnet.gov/expapi/attachments/signature"
    )]);
    multipart_body(
        BOUNDARY,
        &signed,
        &[(part_headers(&jws, "application/octet-stream"), jws)],
    )
}

fn rs256_with_certificate() -> jsonwebtoken::Header {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.x5c = Some(vec![SIGNER_CERTIFICATE.to_owned()]);
    header
}

#[tokio::test]
async fn signed_statements_are_checked_and_verified_against_their_certificate() {
    let app = TestApp::spawn().await;
    let (lrs, _) = client(&app, &["xapi:write", "xapi:read"]).await;
    let s = statement(S1, "ada@example.com", "attempted");
    let res = send_multipart(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        signed_statement(&s, SIGNER_KEY, rs256_with_certificate()),
    )
    .await;
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    // Without x5c only the structure can be checked; RS512 is allowed.
    let other = statement(S2, "ada@example.com", "attempted");
    let plain = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS512);
    let res = send_multipart(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        signed_statement(&other, STRANGER_KEY, plain),
    )
    .await;
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    // The signature comes back with the statement.
    let parts = multipart_answer(
        xapi(
            &app,
            &lrs,
            Method::GET,
            &format!("/statements?statementId={S1}&attachments=true"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(parts.len(), 2);
    assert_eq!(
        parts[1].header("Content-Type"),
        Some("application/octet-stream")
    );

    let refused = |field: &'static str| {
        move |problem: Value| {
            assert_eq!(problem["code"], "invalid_signature", "{problem}");
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
    };
    let s3 = statement(S3, "ada@example.com", "attempted");
    // Signed by another key than the certificate's.
    let res = send_multipart(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        signed_statement(&s3, STRANGER_KEY, rs256_with_certificate()),
    )
    .await;
    assert_eq!(res.status(), 400);
    refused("statements[0].statement.attachments[0]")(body_of(res).await);
    // A symmetric algorithm.
    let hs = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &s3,
        &jsonwebtoken::EncodingKey::from_secret(b"secret"),
    )
    .expect("sign")
    .into_bytes();
    let mut signed = s3.clone();
    signed["attachments"] = json!([attachment_object(
        &hs,
        "application/octet-stream",
        "http://adlnet.gov/expapi/attachments/signature"
    )]);
    let body = multipart_body(
        BOUNDARY,
        &signed,
        &[(part_headers(&hs, "application/octet-stream"), hs.clone())],
    );
    let res = send_multipart(
        &app,
        &lrs,
        Method::PUT,
        &format!("/statements?statementId={S3}"),
        body,
    )
    .await;
    assert_eq!(res.status(), 400);
    refused("statement.attachments[0]")(body_of(res).await);
    // The payload is another statement.
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(SIGNER_KEY.as_bytes()).expect("key");
    let jws = jsonwebtoken::encode(
        &rs256_with_certificate(),
        &statement(S3, "bob@example.com", "attempted"),
        &key,
    )
    .expect("sign")
    .into_bytes();
    let mut signed = s3.clone();
    signed["attachments"] = json!([attachment_object(
        &jws,
        "application/octet-stream",
        "http://adlnet.gov/expapi/attachments/signature"
    )]);
    let body = multipart_body(
        BOUNDARY,
        &signed,
        &[(part_headers(&jws, "application/octet-stream"), jws.clone())],
    );
    let res = send_multipart(&app, &lrs, Method::POST, "/statements", body).await;
    assert_eq!(res.status(), 400);
    let problem = body_of(res).await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not the statement"),
        "{problem}"
    );
    // A signature attachment that is not application/octet-stream.
    let mut wrong_type = s3.clone();
    wrong_type["attachments"] = json!([attachment_object(
        &jws,
        "text/plain",
        "http://adlnet.gov/expapi/attachments/signature"
    )]);
    let body = multipart_body(
        BOUNDARY,
        &wrong_type,
        &[(part_headers(&jws, "text/plain"), jws.clone())],
    );
    let res = send_multipart(&app, &lrs, Method::POST, "/statements", body).await;
    assert_eq!(res.status(), 400);
    let res = xapi(
        &app,
        &lrs,
        Method::GET,
        &format!("/statements?statementId={S3}"),
        None,
    )
    .await;
    assert_eq!(res.status(), 404, "no refused statement was stored");
}
