# Build a static meshwise binary, then run it on a minimal image as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/meshwise ./cmd/meshwise

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/meshwise /usr/local/bin/meshwise
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/meshwise"]
CMD ["serve"]
