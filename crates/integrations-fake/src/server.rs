//! The TCP side of a fake server: the accept loop that counts connections, one HTTP/1.1
//! connection task per client that a handler can tell to close or take over, and shutdown.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tower::ServiceExt;

use crate::control::Control;

/// The write half of a connection, shared by hyper and whoever takes it over.
type Writer = Arc<Mutex<Option<OwnedWriteHalf>>>;

/// Put into every request's extensions: lets a handler close the connection it came on without
/// answering (the client sees a transport error), or take its write half to answer with raw
/// bytes that hyper would not send.
#[derive(Clone, Debug)]
pub(crate) struct ConnectionHandle {
    kill: Arc<Notify>,
    writer: Writer,
}

impl ConnectionHandle {
    /// Closes the connection this request came on.
    pub(crate) fn kill(&self) {
        self.kill.notify_one();
    }

    /// Takes the write half of the connection: hyper cannot write on it any more (its writes
    /// wait forever), so the taker owns the wire until it [kills](Self::kill) the connection.
    /// `None` if it was taken already.
    pub(crate) fn take_writer(&self) -> Option<OwnedWriteHalf> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// A TCP stream whose write half a [`ConnectionHandle`] can take away from hyper.
struct SharedStream {
    read: OwnedReadHalf,
    write: Writer,
}

impl SharedStream {
    /// Runs `f` on the write half; once it was taken, `taken` answers instead.
    fn with_writer<T>(
        &self,
        f: impl FnOnce(Pin<&mut OwnedWriteHalf>) -> Poll<io::Result<T>>,
        taken: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match self
            .write
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            Some(writer) => f(Pin::new(writer)),
            None => taken,
        }
    }
}

impl AsyncRead for SharedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().read).poll_read(cx, buf)
    }
}

impl AsyncWrite for SharedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        // Once taken, hyper's writes wait (the taker kills the connection when done): failing
        // them would end the connection in the middle of the taker's answer.
        self.with_writer(|w| w.poll_write(cx, buf), Poll::Pending)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.with_writer(|w| w.poll_write_vectored(cx, bufs), Poll::Pending)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.with_writer(|w| w.poll_flush(cx), Poll::Ready(Ok(())))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.with_writer(|w| w.poll_shutdown(cx), Poll::Ready(Ok(())))
    }
}

/// A running server: its address and the means to stop it. Stops when dropped.
#[derive(Debug)]
pub(crate) struct Server {
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Server {
    /// Binds `addr` and serves `router` on it until [`Server::shutdown`] or drop.
    pub(crate) async fn start(
        addr: SocketAddr,
        router: Router,
        control: Arc<Control>,
    ) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (shutdown, stopped) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, router, control, stopped));
        Ok(Self {
            addr,
            shutdown,
            task: Mutex::new(Some(task)),
        })
    }

    /// The address the server listens on.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes every open connection, and returns once the listener is closed.
    pub(crate) async fn shutdown(&self) {
        self.shutdown.send_replace(true);
        let task = self.task.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(task) = task {
            // The loop ends by itself; a join error would mean it panicked, and there is
            // nothing left to stop then.
            let _ = task.await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

/// Resolves once a shutdown is asked for or every handle is gone.
async fn stopped(rx: &mut watch::Receiver<bool>) {
    while !*rx.borrow_and_update() {
        if rx.changed().await.is_err() {
            return;
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    control: Arc<Control>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            () = stopped(&mut stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    control.count_connection();
                    tracing::debug!(%peer, "connection accepted");
                    tokio::spawn(serve_connection(stream, router.clone(), stop.clone()));
                }
                Err(error) => {
                    // E.g. too many open files: wait a little rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
        }
    }
}

async fn serve_connection(stream: TcpStream, router: Router, mut stop: watch::Receiver<bool>) {
    // Small requests and answers: do not let Nagle's algorithm hold them back.
    let _ = stream.set_nodelay(true);
    let (read, write) = stream.into_split();
    let handle = ConnectionHandle {
        kill: Arc::new(Notify::new()),
        writer: Arc::new(Mutex::new(Some(write))),
    };
    let stream = SharedStream {
        read,
        write: handle.writer.clone(),
    };
    let kill = handle.kill.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(handle.clone());
        router.clone().oneshot(request)
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
        }
        () = kill.notified() => tracing::debug!("connection dropped on purpose"),
        () = stopped(&mut stop) => {}
    }
}
