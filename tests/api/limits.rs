//! The server's own limits, tried with real sockets: a client sending one byte a second is
//! dropped once the header-read time is up, and the connections it held are served to others
//! again; a body sent too slowly is answered 408; while the connection bound is taken by
//! slow clients, a real request waits in the backlog and is served once they are dropped.

use crate::helpers::{spawn_app_with, Backend, TestApp};
use std::time::{Duration, Instant};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

async fn app() -> TestApp {
    spawn_app_with(
        Backend::Sqlite,
        &[("EMBASSY_DESK_HEADER_TIMEOUT_SECS", "2"), ("EMBASSY_DESK_REQUEST_TIMEOUT_SECS", "3"), ("EMBASSY_DESK_MAX_CONNECTIONS", "4")],
    )
    .await
    .expect("SQLite always runs")
}

/// Sends `request` one byte a second until the server closes the connection; returns how
/// many bytes went out before it did, and what the server said (if anything).
async fn trickle(app: &TestApp, request: &[u8]) -> (usize, String) {
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let mut sent = 0;
    let mut answer = Vec::new();
    for byte in request {
        if stream.write_all(&[*byte]).await.is_err() {
            break;
        }
        sent += 1;
        let mut buf = [0u8; 4096];
        match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buf[..n]);
                // Read what else comes, up to the close.
                let _ = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut answer)).await;
                break;
            }
            Err(_) => {}
        }
    }
    (sent, String::from_utf8_lossy(&answer).into_owned())
}

const SLOW_HEADERS: &[u8] = b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nUser-Agent: one-byte-a-second\r\nAccept: text/html\r\n\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_sending_one_byte_a_second_is_dropped() {
    let app = app().await;
    let (sent, answer) = trickle(&app, SLOW_HEADERS).await;
    assert!(sent < SLOW_HEADERS.len() / 2, "dropped after {sent} of {} bytes", SLOW_HEADERS.len());
    assert!(!answer.contains("200 OK"), "never served: {answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_holding_every_connection_keep_nobody_out_for_long() {
    let app = app().await;
    let slow: Vec<_> = (0..4)
        .map(|_| {
            let addr = app.addr;
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                for byte in SLOW_HEADERS {
                    if stream.write_all(&[*byte]).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Every connection is held; this one waits in the backlog until the slow ones are dropped.
    let began = Instant::now();
    let page = app.get("/api/health", None, None).await;
    assert_eq!(page.status, 200);
    assert!(began.elapsed() < Duration::from_secs(30), "served once the slow clients were dropped");
    for task in slow {
        task.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_sent_too_slowly_is_answered_408() {
    let app = app().await;
    let body = "reference=ABCDE-FGHJK&code=1111111111111111111111111";
    let head = format!(
        "POST /follow-up HTTP/1.1\r\nHost: {}\r\nOrigin: {}\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        app.addr,
        app.base,
        body.len()
    );
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let (sent, answer) = {
        let mut sent = 0;
        let mut answer = Vec::new();
        for byte in body.as_bytes() {
            if stream.write_all(&[*byte]).await.is_err() {
                break;
            }
            sent += 1;
            let mut buf = [0u8; 4096];
            if let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await {
                answer.extend_from_slice(&buf[..n]);
                break;
            }
        }
        (sent, String::from_utf8_lossy(&answer).into_owned())
    };
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(sent < body.len(), "answered before the body was all sent");
}
