//! Just enough HTTP/1.1 for the endpoint: parse one request from a buffered stream (Content-Length or chunked
//! bodies, `Expect: 100-continue`), write one response with Content-Length.

use std::io::{self, BufRead, Write};

/// Largest request head (request line plus headers) accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted.
const MAX_BODY: usize = 32 * 1024 * 1024;

#[derive(Debug)]
pub(crate) struct Request {
    pub method: String,
    /// The path as sent, still percent-encoded, without the query string.
    pub path: String,
    /// Query parameters, decoded.
    pub query: Vec<(String, String)>,
    /// HTTP/1.1 (keep-alive by default) rather than HTTP/1.0.
    pub http11: bool,
    /// Header names lower-cased, values trimmed.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header of that (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Whether the client asked for the connection to be closed after this exchange.
    pub fn wants_close(&self) -> bool {
        let conn = self.header("connection").map(|v| v.to_ascii_lowercase());
        match conn.as_deref() {
            Some(v) if v.split(',').any(|t| t.trim() == "close") => true,
            Some(v) if v.split(',').any(|t| t.trim() == "keep-alive") => false,
            _ => !self.http11,
        }
    }
}

#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed the connection before sending a request (normal end of keep-alive).
    Closed,
    /// A malformed request; answer 400 and close.
    Bad(String),
    /// Head or body over the limits; answer 413 and close.
    TooLarge,
    /// Read failed or timed out; just close.
    Io,
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Io
    }
}

/// Read one line (ending in LF) into `line`, counting its bytes against `budget`.
fn read_line<R: BufRead>(reader: &mut R, line: &mut Vec<u8>, budget: &mut usize) -> Result<usize, ReadError> {
    line.clear();
    let n = io::Read::take(&mut *reader, *budget as u64 + 1).read_until(b'\n', line)?;
    if n > *budget {
        return Err(ReadError::TooLarge);
    }
    *budget -= n;
    Ok(n)
}

fn trim_crlf(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && (line[end - 1] == b'\n' || line[end - 1] == b'\r') {
        end -= 1;
    }
    &line[..end]
}

/// Read one request. `interim` receives the `100 Continue` answer when the client expects one.
pub(crate) fn read_request<R: BufRead, W: Write>(reader: &mut R, interim: &mut W) -> Result<Request, ReadError> {
    let mut budget = MAX_HEAD;
    let mut line = Vec::new();
    // Skip blank lines between pipelined requests; EOF before anything is a clean close.
    let request_line = loop {
        let n = read_line(reader, &mut line, &mut budget)?;
        if n == 0 {
            return Err(ReadError::Closed);
        }
        let t = trim_crlf(&line);
        if !t.is_empty() {
            break String::from_utf8_lossy(t).into_owned();
        }
    };
    let mut parts = request_line.split_whitespace();
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) => (m.to_string(), t.to_string(), v.to_string()),
        _ => return Err(ReadError::Bad(format!("malformed request line {request_line:?}"))),
    };
    let http11 = match version.as_str() {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(ReadError::Bad(format!("unsupported HTTP version {version:?}"))),
    };

    let mut headers = Vec::new();
    loop {
        let n = read_line(reader, &mut line, &mut budget)?;
        if n == 0 {
            return Err(ReadError::Bad("connection closed inside the request head".into()));
        }
        let t = trim_crlf(&line);
        if t.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(t);
        let Some((name, value)) = text.split_once(':') else {
            return Err(ReadError::Bad(format!("malformed header line {text:?}")));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }

    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), parse_query(q)),
        None => (target.clone(), Vec::new()),
    };
    let mut req = Request {
        method,
        path,
        query,
        http11,
        headers,
        body: Vec::new(),
    };

    let chunked = req
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().split(',').any(|t| t.trim() == "chunked"));
    let length = match req.header("content-length") {
        Some(v) if !chunked => Some(
            v.parse::<usize>()
                .map_err(|_| ReadError::Bad(format!("invalid Content-Length {v:?}")))?,
        ),
        _ => None,
    };
    if length.is_some_and(|n| n > MAX_BODY) {
        return Err(ReadError::TooLarge);
    }
    let expects_body = chunked || length.is_some_and(|n| n > 0);
    if expects_body
        && req
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        interim.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        interim.flush()?;
    }
    if chunked {
        req.body = read_chunked(reader)?;
    } else if let Some(n) = length {
        let mut body = vec![0u8; n];
        reader.read_exact(&mut body)?;
        req.body = body;
    }
    Ok(req)
}

fn read_chunked<R: BufRead>(reader: &mut R) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    let mut line = Vec::new();
    let mut budget = MAX_HEAD;
    loop {
        if read_line(reader, &mut line, &mut budget)? == 0 {
            return Err(ReadError::Bad("connection closed inside a chunked body".into()));
        }
        let text = String::from_utf8_lossy(trim_crlf(&line)).into_owned();
        let size_text = text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| ReadError::Bad(format!("invalid chunk size {size_text:?}")))?;
        if size == 0 {
            // Trailer headers until a blank line.
            loop {
                if read_line(reader, &mut line, &mut budget)? == 0 || trim_crlf(&line).is_empty() {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(ReadError::TooLarge);
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Err(ReadError::Bad("chunk not followed by CRLF".into()));
        }
    }
}

/// One response; the writer adds Content-Length, Date, Connection and `x-amzn-RequestId`.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        Response::new(status, "application/json", value.to_string().into_bytes())
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Write the whole response in one go.
pub(crate) fn write_response<W: Write>(w: &mut W, resp: &Response, request_id: &str, close: bool) -> io::Result<()> {
    let mut out = Vec::with_capacity(resp.body.len() + 256);
    let date = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT");
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nx-amzn-RequestId: {}\r\nDate: {}\r\nConnection: {}\r\n",
        resp.status,
        reason(resp.status),
        resp.body.len(),
        request_id,
        date,
        if close { "close" } else { "keep-alive" }
    );
    out.extend_from_slice(head.as_bytes());
    for (name, value) in &resp.headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&resp.body);
    w.write_all(&out)?;
    w.flush()
}

/// Percent-decoding; `plus_is_space` for form bodies and query strings.
pub(crate) fn percent_decode(s: &str, plus_is_space: bool) -> String {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a=1&b=x%20y` into decoded pairs.
pub(crate) fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k, true), percent_decode(v, true)),
            None => (percent_decode(p, true), String::new()),
        })
        .collect()
}

/// Region and service from a SigV4 `Authorization` header's credential scope
/// (`Credential=AKID/YYYYMMDD/REGION/SERVICE/aws4_request`). The signature itself is not checked.
pub(crate) fn credential_scope(authorization: &str) -> Option<(String, String)> {
    let start = authorization.find("Credential=")? + "Credential=".len();
    let rest = &authorization[start..];
    let end = rest.find([',', ' ']).unwrap_or(rest.len());
    let parts: Vec<&str> = rest[..end].split('/').collect();
    if parts.len() < 5 || parts[parts.len() - 1] != "aws4_request" {
        return None;
    }
    let region = parts[parts.len() - 3];
    let service = parts[parts.len() - 2];
    if region.is_empty() || service.is_empty() {
        return None;
    }
    Some((region.to_string(), service.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keep_alive_requests_and_chunked_bodies() {
        let raw = b"POST /findings?x=a%20b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}\
GET /y HTTP/1.0\r\n\r\n\
POST /z HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        let mut reader = io::BufReader::new(&raw[..]);
        let mut interim = Vec::new();
        let a = read_request(&mut reader, &mut interim).unwrap();
        assert_eq!(
            (a.method.as_str(), a.path.as_str(), a.body.as_slice()),
            ("POST", "/findings", &b"{}"[..])
        );
        assert_eq!(a.query, vec![("x".to_string(), "a b".to_string())]);
        assert!(!a.wants_close());
        let b = read_request(&mut reader, &mut interim).unwrap();
        assert!(b.wants_close());
        let c = read_request(&mut reader, &mut interim).unwrap();
        assert_eq!(c.body, b"abcde");
        assert_eq!(interim, b"HTTP/1.1 100 Continue\r\n\r\n");
        assert!(matches!(
            read_request(&mut reader, &mut interim),
            Err(ReadError::Closed)
        ));
    }

    #[test]
    fn decodes_percent_and_scope() {
        assert_eq!(percent_decode("arn%3Aaws%3Ax/1%2", false), "arn:aws:x/1%2");
        assert_eq!(percent_decode("a+b%2B", true), "a b+");
        let auth = "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/securityhub/aws4_request, \
                    SignedHeaders=host, Signature=abc";
        assert_eq!(credential_scope(auth), Some(("eu-west-1".into(), "securityhub".into())));
        assert_eq!(credential_scope("Bearer x"), None);
    }
}
