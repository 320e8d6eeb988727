# immunobot in a container. Build and run:
#   docker build -t immunobot .
#   docker run -d --name immunobot -e DISCORD_TOKEN \
#     -v "$PWD/responses:/etc/immunobot/responses:ro" immunobot
# Reload the responses after editing them: docker kill --signal=HUP immunobot
# Logs go to stderr: docker logs immunobot

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin immunobot

# glibc and the CA certificates, nothing else; runs as uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/immunobot /usr/local/bin/immunobot
COPY deploy/container.toml /etc/immunobot/config.toml
# The shipped responses, so the image runs as it is; mount your own over them (read-only).
COPY responses /etc/immunobot/responses
ENV RUST_LOG=info
ENTRYPOINT ["/usr/local/bin/immunobot"]
CMD ["run", "--config", "/etc/immunobot/config.toml"]
