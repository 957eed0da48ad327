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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An origin on plain blocking sockets, one thread per connection, for misbehaviour that a
 * well-behaved server library will not produce: dying mid-response, never answering,
 * closing a kept-alive connection when the next request arrives.
 */
public final class RawOrigin implements AutoCloseable {

	private final ServerSocket server;

	private final AtomicInteger connections = new AtomicInteger();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final Thread acceptor;

	private RawOrigin(Handler handler) {
		try {
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.acceptor = new Thread(() -> {
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					int index = this.connections.incrementAndGet();
					this.sockets.add(socket);
					Thread worker = new Thread(() -> {
						try (socket) {
							handler.handle(socket, index);
						}
						catch (Exception ex) {
							// the connection ends
						}
					}, "raw-origin-connection-" + index);
					worker.setDaemon(true);
					worker.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}, "raw-origin-acceptor");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	public static RawOrigin start(Handler handler) {
		return new RawOrigin(handler);
	}

	public int port() {
		return this.server.getLocalPort();
	}

	public int connections() {
		return this.connections.get();
	}

	/**
	 * Read a request header section (request line and fields) from a connection.
	 * @return the lines, or {@code null} at end of stream
	 */
	public static List<String> readHead(BufferedReader reader) throws IOException {
		List<String> lines = new ArrayList<>();
		String line;
		while ((line = reader.readLine()) != null) {
			if (line.isEmpty()) {
				return lines;
			}
			lines.add(line);
		}
		return lines.isEmpty() ? null : lines;
	}

	public static BufferedReader reader(Socket socket) throws IOException {
		return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
	}

	public static void write(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

	@Override
	public void close() {
		try {
			this.server.close();
			for (Socket socket : this.sockets) {
				socket.close();
			}
		}
		catch (IOException ex) {
			// ignore
		}
	}

	/**
	 * Serves one connection.
	 */
	@FunctionalInterface
	public interface Handler {

		void handle(Socket socket, int connectionIndex) throws Exception;

	}

}
