# Build a static meshwise binary, then run it on a minimal image as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/meshwise ./cmd/meshwise \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/meshwise /usr/local/bin/meshwise
# /data holds the signing key; owned by the nonroot user (65532) so a named
# volume mounted there starts writable.
COPY --from=build --chown=65532:65532 /out/data /data
ENV MESHWISE_SIGNING_KEY_FILE=/data/signing.key
# Numeric, so Kubernetes can prove runAsNonRoot without reading /etc/passwd.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/meshwise"]
CMD ["serve"]
