/*
 * Copyright 2026 the pingora-spring-boot authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.pingora.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately simple HTTP/1.1 client over one plain socket, for tests that need to see
 * the wire: interim responses, connection reuse and closing, framing, raw malformed
 * requests.
 */
public final class RawHttpClient implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	public RawHttpClient(int port) {
		try {
			this.socket = new Socket("127.0.0.1", port);
			this.socket.setSoTimeout(20_000);
			this.in = new BufferedInputStream(this.socket.getInputStream());
			this.out = this.socket.getOutputStream();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Send raw bytes.
	 */
	public RawHttpClient send(String raw) {
		return send(raw.getBytes(StandardCharsets.ISO_8859_1));
	}

	public RawHttpClient send(byte[] raw) {
		try {
			this.out.write(raw);
			this.out.flush();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Send a request and read its response.
	 */
	public Response exchange(String rawRequest) {
		send(rawRequest);
		return read(rawRequest.startsWith("HEAD "));
	}

	/**
	 * Read one response, with the interim responses before it.
	 */
	public Response read(boolean head) {
		try {
			List<Response> interim = new ArrayList<>();
			while (true) {
				String statusLine = readLine();
				if (statusLine == null) {
					throw new IOException("connection closed before a response");
				}
				String[] parts = statusLine.split(" ", 3);
				int status = Integer.parseInt(parts[1]);
				Map<String, List<String>> headers = readHeaders();
				if (status >= 100 && status < 200 && status != 101) {
					interim.add(new Response(status, headers, new byte[0], List.of(), Map.of()));
					continue;
				}
				Map<String, List<String>> trailers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
				byte[] body = readBody(status, head, headers, trailers);
				return new Response(status, headers, body, interim, trailers);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Read one response head (status line and fields) without a body, such as an interim
	 * 100 Continue.
	 */
	public Response readHead() {
		try {
			String statusLine = readLine();
			if (statusLine == null) {
				throw new IOException("connection closed before a response");
			}
			int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
			return new Response(status, readHeaders(), new byte[0], List.of(), Map.of());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Whether the server closed the connection (reads end of stream within the timeout).
	 */
	public boolean isClosedByPeer(int timeoutMillis) {
		try {
			this.socket.setSoTimeout(timeoutMillis);
			return this.in.read() == -1;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
		finally {
			try {
				this.socket.setSoTimeout(20_000);
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	public InputStream input() {
		return this.in;
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// ignore
		}
	}

	private byte[] readBody(int status, boolean head, Map<String, List<String>> headers,
			Map<String, List<String>> trailers) throws IOException {
		if (head || status == 204 || status == 304 || status == 101) {
			return new byte[0];
		}
		List<String> encoding = headers.get("transfer-encoding");
		if (encoding != null && encoding.get(encoding.size() - 1).toLowerCase(Locale.ROOT).contains("chunked")) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			while (true) {
				String sizeLine = readLine();
				int semicolon = sizeLine.indexOf(';');
				int size = Integer.parseInt((semicolon >= 0) ? sizeLine.substring(0, semicolon) : sizeLine.trim(), 16);
				if (size == 0) {
					trailers.putAll(readHeaders());
					return body.toByteArray();
				}
				body.write(this.in.readNBytes(size));
				readLine();
			}
		}
		List<String> length = headers.get("content-length");
		if (length != null) {
			return this.in.readNBytes(Integer.parseInt(length.get(0).trim()));
		}
		return this.in.readAllBytes();
	}

	private Map<String, List<String>> readHeaders() throws IOException {
		Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		String line;
		while ((line = readLine()) != null && !line.isEmpty()) {
			int colon = line.indexOf(':');
			headers.computeIfAbsent(line.substring(0, colon).trim(), (key) -> new ArrayList<>())
				.add(line.substring(colon + 1).trim());
		}
		return headers;
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = this.in.read()) != -1) {
			if (b == '\n') {
				byte[] bytes = line.toByteArray();
				int length = (bytes.length > 0 && bytes[bytes.length - 1] == '\r') ? bytes.length - 1 : bytes.length;
				return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
			}
			line.write(b);
		}
		return (line.size() == 0) ? null : line.toString(StandardCharsets.ISO_8859_1);
	}

	/**
	 * A response as read off the wire.
	 */
	public record Response(int status, Map<String, List<String>> headers, byte[] body, List<Response> interim,
			Map<String, List<String>> trailers) {

		public String header(String name) {
			List<String> values = this.headers.get(name);
			return (values != null) ? values.get(0) : null;
		}

		public String text() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

}
