/**
 * Every request and response example of contract A
 * (shared/contracts/worker-backend-api.md), copied verbatim, with its method
 * and path. The contract's token is "worker-secret-token-12345".
 */
export const CONTRACT_TOKEN = "worker-secret-token-12345";

export const register = {
  method: "POST",
  path: "/api/v1/workers/register",
  request: {
    workerId: "worker-001",
    endpoint: "http://localhost:8001",
    maxSessions: 50,
    description: "Primary worker instance",
    status: "ONLINE",
    version: "1.0.0",
    environment: "PRODUCTION",
    timestamp: "2024-01-15T10:30:00.000Z",
  },
  response: {
    success: true,
    data: {
      workerId: "worker-001",
      status: "registered",
      assignedSessions: [],
      message: "Worker registered successfully",
    },
  },
} as const;

export const heartbeat = {
  method: "PUT",
  path: "/api/v1/workers/worker-001/heartbeat",
  request: {
    status: "ONLINE",
    cpuUsage: 45.5,
    memoryUsage: 67.8,
    uptime: 3600,
    messageCount: 1250,
    sessions: {
      total: 25,
      connected: 20,
      disconnected: 2,
      qr_required: 2,
      reconnecting: 1,
      error: 0,
    },
    timestamp: "2024-01-15T10:30:00.000Z",
  },
  response: {
    success: true,
    data: {
      workerId: "worker-001",
      status: "acknowledged",
      commands: [],
    },
  },
} as const;

export const event = {
  method: "POST",
  path: "/api/v1/workers/worker-001/events",
  request: {
    event: "session_status_changed",
    sessionId: "user123-session1",
    workerId: "worker-001",
    data: {
      status: "connected",
      phoneNumber: "+6281234567890",
      qrCode: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA...",
    },
    timestamp: "2024-01-15T10:30:00.000Z",
  },
  response: {
    success: true,
    message: "Event received",
  },
} as const;

export const unregister = {
  method: "DELETE",
  path: "/api/v1/workers/worker-001",
  response: {
    success: true,
    message: "Worker unregistered successfully",
  },
} as const;

export const sessionStatus = {
  method: "POST",
  path: "/api/v1/webhooks/session-status",
  request: {
    event: "qr_ready",
    sessionId: "user123-session1",
    workerId: "worker-001",
    data: {
      status: "qr_required",
      qrCode: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA...",
      qrString: "1@ABC123XYZ...",
    },
    timestamp: "2024-01-15T10:30:00.000Z",
  },
  response: {
    success: true,
    message: "Session status updated",
  },
} as const;

export const messageStatus = {
  method: "POST",
  path: "/api/v1/webhooks/message-status",
  request: {
    event: "message_status",
    sessionId: "user123-session1",
    workerId: "worker-001",
    data: {
      messageId: "msg_12345",
      status: "delivered",
      to: "6281234567890@s.whatsapp.net",
      deliveredAt: "2024-01-15T10:30:00.000Z",
    },
    timestamp: "2024-01-15T10:30:00.000Z",
  },
  response: {
    success: true,
    message: "Message status updated",
  },
} as const;

/** Contract A's error format. */
export const ERROR_KEYS = ["code", "error", "success"];
