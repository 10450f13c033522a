"""AI providers behind small interfaces: chat, image generation, image editing (DESIGN D3)."""
